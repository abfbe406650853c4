/**
 * compose: the production-like local stack (compose.yaml), its development extras (compose.override.yaml),
 * the settings it reads (.env.example), the local secrets (secrets/, scripts/dev-secrets.sh) and the guide
 * to all of it (docs/local-development.md).
 */
import type { StackModel } from '../../model/index.js';
import { byPath } from '../../order.js';
import { managedFile } from '../../plan/managed-file.js';
import type { Area, PlannedFile } from '../../plan/types.js';
import { guide } from './guide.js';
import { headers } from './headers.js';
import { composeOverride } from './override.js';
import type { Variable } from './ports.js';
import { composeStack, dataPortsNetwork } from './stack.js';
import { andList, wrap } from './text.js';

const area = 'compose';

const file = managedFile(area);

const withComment = (variable: Variable) => ({ ...variable, comment: wrap(variable.description) });

const hasSecrets = (stack: ReturnType<typeof composeStack>) => stack.storeSecrets.length > 0 || stack.envFiles.length > 0;

export const composeArea: Area = {
  name: area,
  description: 'Local stack with Docker Compose: services, migrations, database and cache, secrets as files, isolated networks',
  reads: ['name', 'services', 'registry', 'database', 'cache'],
  nextSteps: (model: StackModel) => {
    const stack = composeStack(model);
    return [
      ...(hasSecrets(stack) ? ['Create the local development secrets: sh scripts/dev-secrets.sh'] : []),
      'Start the local stack: docker compose up --build (see docs/local-development.md)',
    ];
  },
  plan: (model: StackModel) => {
    const stack = composeStack(model);
    const override = composeOverride(model, stack);
    const variables = { base: stack.variables.map(withComment), override: override.variables.map(withComment) };
    const secrets = [...stack.storeSecrets, ...stack.applicationSecrets];
    const data = { project: model.project, stack, override, dataPortsNetwork, headers: headers(model, stack, override), andList, secrets, variables };
    const files = [
      file('compose.yaml', 'compose.yaml.ejs', data),
      file('.env.example', 'env.example.ejs', data),
      file('docs/local-development.md', 'local-development.md.ejs', { ...data, guide: guide(model, stack, override) }),
    ];
    if (override.services.length > 0) files.push(file('compose.override.yaml', 'compose.override.yaml.ejs', data));
    if (hasSecrets(stack)) {
      files.push(file('secrets/.gitignore', 'secrets.gitignore.ejs', data));
      files.push({ ...file('scripts/dev-secrets.sh', 'dev-secrets.sh.ejs', data), executable: true });
    }
    return files.sort(byPath);
  },
};
