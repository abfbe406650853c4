/**
 * Runs one phase4 generator through yeoman-environment. Kept apart from the CLI's argument handling so
 * `--help` never loads Yeoman, and bundled into one file by `npm run build` (scripts/bundle.mjs): loading
 * Yeoman's several hundred modules one by one is most of a run's start-up time.
 */
import { createEnv } from 'yeoman-environment';
import AppGenerator from '../generators/app/index.js';
import CiGenerator from '../generators/ci/index.js';
import ComposeGenerator from '../generators/compose/index.js';
import DockerGenerator from '../generators/docker/index.js';
import DocsGenerator from '../generators/docs/index.js';
import HelmGenerator from '../generators/helm/index.js';
import KubernetesGenerator from '../generators/kubernetes/index.js';
import MonitoringGenerator from '../generators/monitoring/index.js';
import TerraformGenerator from '../generators/terraform/index.js';

/** Every generator by name; a test keeps this list in step with generators/ and the areas. */
export const generatorClasses: Record<string, unknown> = {
  app: AppGenerator,
  ci: CiGenerator,
  compose: ComposeGenerator,
  docker: DockerGenerator,
  docs: DocsGenerator,
  helm: HelmGenerator,
  kubernetes: KubernetesGenerator,
  monitoring: MonitoringGenerator,
  terraform: TerraformGenerator,
};

export const runGenerator = async (generator: string, options: Record<string, unknown>, cwd: string): Promise<void> => {
  const env = createEnv({ cwd, skipInstall: true } as never);
  // Yeoman logs a generic "An error occured while running ..." line before every failing task; the CLI
  // prints its own one-line error instead.
  const log = env.adapter.log as unknown as { error: (...args: unknown[]) => unknown };
  const logError = log.error.bind(log);
  log.error = (...args: unknown[]) =>
    typeof args[0] === 'string' && args[0].startsWith('An error occured while running') ? log : logError(...args);
  for (const [name, generatorClass] of Object.entries(generatorClasses)) {
    env.register(generatorClass as never, { namespace: `phase4:${name}` } as never);
  }
  await env.run([`phase4:${generator}`], { ...options, skipInstall: true } as never);
};
