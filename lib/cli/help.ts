/** `phase4 --help`, generated from the catalog, the areas and the run options. */
import { areas } from '../areas/index.js';
import type { AnyOption } from '../catalog/option.js';
import { catalog } from '../catalog/options.js';
import { runOptions } from '../run-options.js';
import { cliOnlyOptions } from './args.js';

const valueHint = (option: AnyOption) => {
  switch (option.kind) {
    case 'choice':
      return 'CHOICE';
    case 'list':
      return 'a,b,...';
    case 'services':
      return 'JSON';
    case 'text':
      return option.name.toUpperCase();
  }
};

const row = (flag: string, description: string) => `  ${flag.padEnd(26)} ${description}\n`;

export const helpText = (): string => {
  let text = 'Usage: phase4 [generator] [options]\n\n';
  text += 'Adds the production layer to the repository in the current folder.\n\nGenerators:\n';
  text += row('app (default)', 'Every area below');
  for (const area of areas) text += row(area.name, area.description);
  text += '\nCommands:\n';
  text += row('detect', 'Show what detection reads from the repository, each value with its file and line (--json for JSON); writes nothing');
  text += '\nAnswers (flag, answers-file key and .yo-rc.json key share one name):\n';
  for (const option of catalog as readonly AnyOption[]) {
    const choices = option.kind === 'choice' ? ` (${option.choices.map((choice) => choice.value).join(', ')})` : '';
    text += row(`--${option.name} ${valueHint(option)}`, option.description + choices);
  }
  text += '\nRun options:\n';
  for (const option of runOptions) text += row(`--${option.name}${option.type === 'string' ? ' FILE' : ''}`, option.description);
  for (const option of cliOnlyOptions) {
    const flag = `${'short' in option ? `-${option.short}, ` : ''}--${option.name}${option.type === 'string' ? ' DIR' : ''}`;
    text += row(flag, option.description);
  }
  text += '\nExit codes: 0 done, 1 unexpected failure, 2 bad input (nothing written), 3 conflicts left unresolved.\n';
  return text;
};
