/**
 * How each language's lint and test jobs run in CI: the build image, the package manager's set-up and
 * cache, and the test command wrapped so that it writes a coverage report the platforms read natively.
 */
import type { ImageModel, ServiceModel } from '../../model/index.js';
import { toolVersion } from '../../versions/index.js';
import { shellWord } from '../../render/quote.js';
import type { Coverage } from './types.js';

/** The toolchain a service builds with: a static front end's image is nginx, but it builds with Node.js. */
const toolchainOf = (image: ImageModel): ImageModel['family'] =>
  image.family !== 'nginx' ? image.family : image.packageManager.name === 'bun' ? 'bun' : 'node';

/** The image tests run in: the runtime's build image, as the Dockerfile builds with (JDK for Java). */
export const buildImageOf = (image: ImageModel): string | undefined => {
  const runtime = image.runtime;
  if (!runtime) return undefined;
  const track = runtime.track as { image?: string; tag?: string; jdk?: { image: string; tag: string } };
  if (track.jdk) return `${track.jdk.image}:${track.jdk.tag}`;
  return track.image && track.tag ? `${track.image}:${track.tag}` : undefined;
};

/** Commands that install the package manager itself when the build image does not ship it. */
export const packageManagerSetup = (image: ImageModel): string[] => {
  const { name, spec } = image.packageManager;
  if (spec === undefined) return [];
  switch (name) {
    case 'pnpm':
      return [`npm install --global ${shellWord(spec)}`];
    case 'yarn-berry':
      // Corepack runs the Yarn release package.json's "packageManager" names, else the pinned one.
      return [`npm install --global --force corepack@${toolVersion('corepack')}`, 'corepack enable yarn', `corepack install --global ${shellWord(spec)}`];
    case 'poetry':
    case 'uv':
    case 'pdm':
    case 'pipenv':
      return [`pip install ${shellWord(spec)}`];
    default:
      // Yarn 1 comes with the Node.js images.
      return [];
  }
};

/** The install command when the project names none. */
const defaultInstall = (image: ImageModel): string | undefined => {
  switch (image.packageManager.name) {
    case 'npm':
      return image.packageManager.lockfile ? 'npm ci' : 'npm install';
    case 'pnpm':
      return 'pnpm install --frozen-lockfile';
    case 'yarn':
      return 'yarn install --frozen-lockfile';
    case 'yarn-berry':
      return 'yarn install --immutable';
    case 'bun':
      return 'bun install --frozen-lockfile';
    case 'poetry':
      return 'poetry install --no-interaction';
    case 'uv':
      return 'uv sync --frozen';
    case 'pdm':
      return 'pdm install --frozen-lockfile';
    case 'pipenv':
      return 'pipenv install --dev --deploy';
    case 'pip':
      return undefined;
    case 'go':
      return 'go mod download';
    default:
      return undefined;
  }
};

/** Runs a binary of the project's own dependencies with its package manager (run from the service folder). */
const localBinary = (image: ImageModel, command: string): string => {
  switch (image.packageManager.name) {
    case 'pnpm':
      return `pnpm exec ${command}`;
    case 'yarn':
    case 'yarn-berry':
      return `yarn run ${command}`;
    case 'bun':
      return `bun x ${command}`;
    default:
      return `npx --no-install ${command}`;
  }
};

/**
 * The service's migration command as the CI job runs it, from the service folder: a project binary through
 * its package manager (node_modules/.bin and a virtualenv are not on a job's PATH), a Go CLI installed first.
 */
export const migrationCommands = (image: ImageModel, migrations: { command: string; install?: string }): string[] => {
  const command = migrations.command;
  const first = command.trim().split(/\s+/)[0];
  switch (toolchainOf(image)) {
    case 'node':
    case 'bun':
      return [['npm', 'pnpm', 'yarn', 'npx', 'bun', 'bunx', 'node'].includes(first) ? command : localBinary(image, command)];
    case 'python': {
      const manager = image.packageManager.name;
      const launcher = ['poetry', 'uv', 'pdm', 'pipenv'].includes(manager) && first !== manager ? `${manager} run ` : '';
      return [`${launcher}${command}`];
    }
    case 'go':
      return [...(migrations.install ? [migrations.install] : []), command];
    default:
      return [command];
  }
};

/** Code generated from the sources (prisma generate), before anything lints, builds or tests them. */
export const generateCommands = (image: ImageModel): string[] => (image.commands.generate ? [localBinary(image, image.commands.generate)] : []);

export const installCommands = (image: ImageModel): string[] => {
  const install = image.source.commands.install ?? defaultInstall(image);
  return [...packageManagerSetup(image), ...(install ? [install] : [])];
};

/**
 * Package caches: the folders (relative to the cache root) and the variables that point the tools at them;
 * `@CACHE@` in a value stands for the root each platform caches under.
 */
export const cacheOf = (image: ImageModel): { paths: string[]; env: { name: string; value: string }[] } => {
  switch (toolchainOf(image)) {
    case 'node':
      if (image.packageManager.name === 'pnpm') return { paths: ['.cache/pnpm'], env: [{ name: 'npm_config_store_dir', value: '@CACHE@/.cache/pnpm' }] };
      if (image.packageManager.name === 'yarn') return { paths: ['.cache/yarn'], env: [{ name: 'YARN_CACHE_FOLDER', value: '@CACHE@/.cache/yarn' }] };
      if (image.packageManager.name === 'yarn-berry') return { paths: ['.cache/yarn'], env: [{ name: 'YARN_CACHE_FOLDER', value: '@CACHE@/.cache/yarn' }] };
      return { paths: ['.cache/npm'], env: [{ name: 'npm_config_cache', value: '@CACHE@/.cache/npm' }] };
    case 'bun':
      return { paths: ['.cache/bun'], env: [{ name: 'BUN_INSTALL_CACHE_DIR', value: '@CACHE@/.cache/bun' }] };
    case 'python':
      return {
        paths: ['.cache/pip', '.cache/uv', '.cache/pypoetry'],
        env: [
          { name: 'PIP_CACHE_DIR', value: '@CACHE@/.cache/pip' },
          { name: 'UV_CACHE_DIR', value: '@CACHE@/.cache/uv' },
          { name: 'POETRY_CACHE_DIR', value: '@CACHE@/.cache/pypoetry' },
        ],
      };
    case 'go':
      return { paths: ['.cache/go-mod', '.cache/go-build'], env: [{ name: 'GOMODCACHE', value: '@CACHE@/.cache/go-mod' }, { name: 'GOCACHE', value: '@CACHE@/.cache/go-build' }] };
    case 'java':
      return image.packageManager.name === 'gradle'
        ? { paths: ['.cache/gradle'], env: [{ name: 'GRADLE_USER_HOME', value: '@CACHE@/.cache/gradle' }] }
        : { paths: ['.cache/m2'], env: [{ name: 'MAVEN_OPTS', value: '-Dmaven.repo.local=@CACHE@/.cache/m2' }] };
    default:
      return { paths: [], env: [] };
  }
};

/** A Python command's runner prefix (`poetry run`), kept in front of the wrapped command. */
const pythonRunner = (command: string): { runner: string; rest: string } => {
  const match = /^((?:poetry|pdm|pipenv) run|uv run(?: --frozen)?)\s+(.*)$/.exec(command.trim());
  return match ? { runner: `${match[1]} `, rest: match[2] } : { runner: '', rest: command.trim() };
};

/** How coverage.py is made available where the tests run. */
const coverageInstall = (image: ImageModel, runner: string): string => {
  const requirement = `coverage==${toolVersion('coverage')}`;
  if (runner.startsWith('uv run')) return '';
  return runner ? `${runner}python -m pip install ${requirement}` : `python -m pip install ${requirement}`;
};

export interface WrappedTest {
  run: string[];
  coverage?: Coverage;
  note?: string;
}

/**
 * The test command, wrapped to write a coverage report: c8 around Node test runners (V8's own coverage,
 * whatever the runner), coverage.py around pytest and Python scripts, Go's cover profile converted to
 * Cobertura, JaCoCo's agent and report around Maven and Gradle.
 */
/** Helper files of the coverage wrappers, relative to the service folder the tests run in. */
export interface CoverageHelpers {
  gradleInit: string;
  coverageFlush: string;
}

export const wrapTest = (service: ServiceModel, test: string, helpers: CoverageHelpers): WrappedTest => {
  const image = service.image;
  switch (toolchainOf(image)) {
    case 'node':
      return {
        // Runners such as Vitest stop their worker processes with SIGTERM, which skips V8's coverage dump.
        run: [
          `export NODE_OPTIONS="--require $PWD/${helpers.coverageFlush} \${NODE_OPTIONS:-}"`,
          `npx --yes c8@${toolVersion('c8')} --reporter=cobertura --reporter=text-summary --reports-dir=coverage ${test}`,
        ],
        coverage: { report: 'coverage/cobertura-coverage.xml', format: 'cobertura' },
      };
    case 'bun':
      return {
        run: [/^bun test\b/.test(test) ? `${test} --coverage --coverage-reporter=lcov --coverage-dir=coverage` : test],
        ...(/^bun test\b/.test(test)
          ? { coverage: { report: 'coverage/lcov.info', format: 'lcov' as const } }
          : { note: `the test command \`${test}\` is not \`bun test\`, whose coverage phase4 reads` }),
      };
    case 'python': {
      const { runner, rest } = pythonRunner(test);
      const module = /^(?:python3? -m\s+)?(pytest|unittest)\b(.*)$/.exec(rest);
      const script = /^python3?\s+(?!-)(\S+\.py)(.*)$/.exec(rest);
      if (!module && !script) return { run: [test], note: `the test command \`${test}\` is neither pytest, unittest nor a Python script, so coverage.py cannot wrap it` };
      const covered = module ? `-m ${module[1]}${module[2]}` : `${script![1]}${script![2]}`;
      const wrap = runner.startsWith('uv run') ? `${runner}--with coverage==${toolVersion('coverage')} ` : runner;
      return {
        run: [coverageInstall(image, runner), `${wrap}python -m coverage run ${covered}`, `${wrap}python -m coverage xml -o coverage.xml`].filter(Boolean),
        coverage: { report: 'coverage.xml', format: 'cobertura' },
      };
    }
    case 'go': {
      if (!/^go test\b/.test(test)) return { run: [test], note: `the test command \`${test}\` is not \`go test\`` };
      return {
        run: [
          test.replace(/^go test\b/, 'go test -coverprofile=coverage.out -covermode=atomic'),
          `go run github.com/boumenot/gocover-cobertura@${toolVersion('gocover-cobertura')} < coverage.out > coverage.xml`,
        ],
        coverage: { report: 'coverage.xml', format: 'cobertura' },
      };
    }
    case 'java': {
      if (image.packageManager.name === 'gradle') {
        const gradle = /^(\S*gradlew?)\b(.*)$/.exec(test);
        if (!gradle) return { run: [test], note: `the test command \`${test}\` does not run Gradle` };
        return {
          run: [`${gradle[1]} --init-script ${helpers.gradleInit}${gradle[2]}`],
          coverage: { report: 'build/reports/jacoco/test/jacocoTestReport.xml', format: 'jacoco' },
        };
      }
      const maven = /^(\S*mvnw?)\b(.*)$/.exec(test);
      if (!maven) return { run: [test], note: `the test command \`${test}\` does not run Maven` };
      const jacoco = `org.jacoco:jacoco-maven-plugin:${toolVersion('jacoco')}`;
      return {
        run: [`${maven[1]} ${jacoco}:prepare-agent${maven[2]} ${jacoco}:report`],
        coverage: { report: 'target/site/jacoco/jacoco.xml', format: 'jacoco' },
      };
    }
    default:
      return { run: [test] };
  }
};

/** The lint command: the project's own, else the language's standard checker where it has one. */
/**
 * Linters a project's own lint command runs that its build image lacks, installed at phase4's pin:
 * golangci-lint 2, or 1 where the project's configuration is still in version 1's format.
 */
export const lintToolInstalls = (service: ServiceModel): string[] => {
  const own = service.source.commands.lint ?? '';
  if (toolchainOf(service.image) !== 'go' || !/(^|[;&|]\s*)golangci-lint\b/.test(own)) return [];
  const v2 = `github.com/golangci/golangci-lint/v2/cmd/golangci-lint@${toolVersion('golangci-lint')}`;
  const v1 = `github.com/golangci/golangci-lint/cmd/golangci-lint@${toolVersion('golangci-lint-v1')}`;
  // golangci-lint reads the nearest .golangci.* up to the repository root; version 2 files say `version: "2"`.
  return [
    'root="$(git rev-parse --show-toplevel 2>/dev/null || echo .)"',
    "config=''",
    'for file in .golangci.* "$root"/.golangci.*; do if [ -z "$config" ] && [ -f "$file" ]; then config="$file"; fi; done',
    `golangci=${v2}`,
    `golangci_v1=${v1}`,
    `grep -Eqs '^[{[:space:]]*"?version"?[[:space:]]*[:=][[:space:]]*"?2' "$config" || [ -z "$config" ] || golangci="$golangci_v1"`,
    'go install "$golangci"',
  ];
};

export const lintCommands = (service: ServiceModel): string[] => {
  const own = service.source.commands.lint;
  if (own) return [own];
  switch (toolchainOf(service.image)) {
    case 'go':
      return ['test -z "$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above are not formatted" >&2; exit 1; }', 'go vet ./...'];
    case 'python':
      return [`python -m pip install ruff==${toolVersion('ruff')}`, 'python -m ruff check .'];
    default:
      return [];
  }
};
