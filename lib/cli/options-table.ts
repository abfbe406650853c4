/** The README's option table, generated from the catalog (a test keeps the README in step). */
import { emptyDetection } from '../detect/types.js';
import type { AnyOption } from '../catalog/option.js';
import { catalog } from '../catalog/options.js';

const values = (option: AnyOption) => {
  switch (option.kind) {
    case 'choice':
      return option.choices.map((choice) => `\`${choice.value}\``).join(', ');
    case 'list':
      return 'list (comma-separated as a flag)';
    case 'services':
      return 'list of services (JSON as a flag)';
    case 'text':
      return 'text';
  }
};

const defaultOf = (option: AnyOption) => {
  if (option.kind === 'services') return 'detected';
  const value = option.default({ answers: { name: '<name>' }, detection: emptyDetection('.') });
  const shown = Array.isArray(value) ? value.join(', ') : String(value);
  return option.detect ? `detected, else \`${shown}\`` : `\`${shown}\``;
};

export const optionsTable = (): string =>
  [
    '| Flag / answers key | Values | Default | Description |',
    '| --- | --- | --- | --- |',
    ...(catalog as readonly AnyOption[]).map(
      (option) => `| \`--${option.name}\` | ${values(option)} | ${defaultOf(option)} | ${option.description.replace(/\|/g, '\\|')} |`,
    ),
  ].join('\n');
