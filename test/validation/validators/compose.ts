import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runTool } from '../../helpers/tools.js';
import type { Validator } from './types.js';

/**
 * Docker Compose v2 resolves the whole model (`config -q`): the base file alone, then with the override. It
 * runs with PATH and HOME only (runTool), so no variable of the caller's shell can stand in for one the files
 * leave unset, and anything it prints fails: compose reports `The "X" variable is not set` as a warning, with
 * exit status 0. Where the output has scripts/dev-secrets.sh, it runs first, as the guide tells users to: the
 * services' settings files (secrets/<service>.env) are required, and only that script writes them. With the
 * monitoring stack (compose.monitoring.yaml), scripts/monitoring-secrets.sh runs next and the two files resolve
 * together.
 */
export const dockerCompose: Validator = {
  name: 'docker compose config',
  applies: (file) => file === 'compose.yaml',
  mustReject: {
    path: 'compose.yaml',
    contents: 'services:\n  api:\n    image: "api:1"\n    depends_on:\n      db:\n        condition: service_healthy\n',
  },
  check: (files) =>
    files.flatMap((file) => {
      const dir = path.dirname(file);
      const setup = createDevSecrets(dir);
      if (setup) return [setup];
      const override = path.join(dir, 'compose.override.yaml');
      const monitoring = path.join(dir, 'compose.monitoring.yaml');
      const monitoringSetup = existsSync(monitoring) ? runScript(dir, 'monitoring-secrets.sh') : undefined;
      if (monitoringSetup) return [monitoringSetup];
      const runs = [
        ['-f', file],
        ...(existsSync(override) ? [['-f', file, '-f', override]] : []),
        ...(existsSync(monitoring) ? [['-f', file, '-f', monitoring]] : []),
      ];
      return runs.flatMap((files) => {
        const result = runTool('docker-compose', [...files, 'config', '-q'], { cwd: dir });
        return result.status === 0 && result.output === '' ? [] : [`${files.join(' ')} (exit status ${result.status}): ${result.output}`];
      });
    }),
};

/** Runs scripts/dev-secrets.sh when the output has one; returns a failure message, or undefined. */
function createDevSecrets(dir: string): string | undefined {
  return existsSync(path.join(dir, 'scripts', 'dev-secrets.sh')) ? runScript(dir, 'dev-secrets.sh') : undefined;
}

/** Runs one of the output's scripts/ as the guides tell users to; returns a failure message, or undefined. */
function runScript(dir: string, name: string): string | undefined {
  const result = spawnSync('sh', [path.join(dir, 'scripts', name)], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return result.status === 0 ? undefined : `sh scripts/${name} (exit status ${result.status}): ${result.stderr}`;
}
