/**
 * `phase4 detect`: what detection read from the repository, each value with the file and line it came
 * from, so a user can see why phase4 proposes what it proposes. Writes nothing.
 */
import type { Detection } from '../detect/types.js';

const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export const formatDetection = (detection: Detection): string => {
  const out: string[] = [`phase4 detect: ${detection.root}`];
  if (detection.services.length === 0) out.push('', 'No service found.');
  for (const service of detection.services) {
    out.push('', `${service.name} (${service.path}): ${service.kind}, ${service.language}/${service.framework}, ${service.packageManager}`);
    const { evidence, ...fields } = service;
    const rows: [string, unknown][] = [
      ['runtimeVersion', fields.runtimeVersion],
      ['packageManagerVersion', fields.packageManagerVersion],
      ['lockfile', fields.lockfile],
      ['buildContext', fields.buildContext],
      ['workspacePackage', fields.workspacePackage],
      ['port', fields.port],
      ['healthPath', fields.healthPath],
      ['commands.start', fields.commands.start],
      ['buildOutput', fields.buildOutput],
      ['builtInto', fields.builtInto === undefined ? undefined : `${fields.builtInto}, served by ${fields.servedBy}`],
      ['migrations', fields.migrations?.command],
      ...(fields.uses ?? []).map((engine): [string, unknown] => [`uses.${engine}`, engine]),
      ...(fields.settings ?? []).map((setting): [string, unknown] => [
        `settings.${setting.name}`,
        setting.secret ? 'secret' : setting.default === undefined ? 'no default' : `default ${setting.default}`,
      ]),
    ];
    for (const [field, value] of rows) {
      if (value === undefined) continue;
      const where = evidence[field];
      out.push(`  ${field.padEnd(24)} ${shown(value)}${where ? `  <- ${where.file}${where.line ? `:${where.line}` : ''} (${where.note})` : ''}`);
    }
  }
  if (detection.notServices.length > 0) {
    out.push('', 'Not services:');
    for (const entry of detection.notServices) out.push(`  ${entry.path}: ${entry.why}`);
  }
  if (detection.notes.length > 0) out.push('', 'Notes:', ...detection.notes.map((note) => `  - ${note}`));
  return `${out.join('\n')}\n`;
};
