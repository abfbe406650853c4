/** A Python service: FastAPI, Django or Flask back ends; Celery, RQ or Dramatiq workers. */
import path from 'node:path';
import type { Framework, PackageManager, ServiceCommands } from '../../catalog/service.js';
import { exists, readText } from '../repo-files.js';
import { asPort, findDatastores, findHealthPath, findPortInEnv, readAll, sourceFiles, withoutTests } from '../source-hints.js';
import { toServiceName } from '../service-name.js';
import type { DetectedService } from '../types.js';

const frameworkByRequirement: [RegExp, Framework][] = [
  [/\bfastapi\b/i, 'fastapi'],
  [/\bdjango\b/i, 'django'],
  [/\bflask\b/i, 'flask'],
];
const workerRequirement = /\b(celery|rq|dramatiq|arq)\b/i;
const defaultPorts: Partial<Record<Framework, number>> = { fastapi: 8000, django: 8000, flask: 5000 };

const packageManagerOf = (dir: string, pyproject: string): PackageManager => {
  if (exists(path.join(dir, 'uv.lock'))) return 'uv';
  if (exists(path.join(dir, 'poetry.lock')) || /\[tool\.poetry\]/.test(pyproject)) return 'poetry';
  return 'pip';
};

/**
 * The install that CI runs before tests and lint: pytest and ruff usually sit in requirements-dev.txt, and
 * test/lint commands found there would fail if only requirements.txt were installed.
 */
const pipInstall = (dir: string): string => {
  const files = ['requirements.txt', 'requirements-dev.txt'].filter((name) => exists(path.join(dir, name)));
  if (files.length === 0) return 'pip install .';
  return `pip install ${files.map((name) => `-r ${name}`).join(' ')}`;
};

/** The port a server is started on in code: `uvicorn.run(app, port=8000)`, `os.environ.get("PORT", "8000")`. */
const portInSource = (source: string): number | undefined => {
  const envDefault = /os\.(?:environ\.get|getenv)\(\s*["']PORT["']\s*,\s*["']?(\d{2,5})/;
  const runArgument = /\brun\([^)]*?\bport\s*=\s*(?:int\(\s*os\.(?:environ\.get|getenv)\(\s*["']PORT["']\s*,\s*["']?)?(\d{2,5})/;
  return asPort(source.match(runArgument)?.[1]) ?? asPort(source.match(envDefault)?.[1]);
};

const commandsOf = (manager: PackageManager, requirements: string, dir: string): ServiceCommands => {
  const runner = { pip: 'python -m', poetry: 'poetry run', uv: 'uv run' }[manager as 'pip' | 'poetry' | 'uv'];
  const install = {
    pip: pipInstall(dir),
    poetry: 'poetry install --no-interaction',
    uv: 'uv sync --frozen',
  }[manager as 'pip' | 'poetry' | 'uv'];
  const lint = /\bruff\b/.test(requirements)
    ? `${runner} ruff check .`
    : /\bflake8\b/.test(requirements)
      ? `${runner} flake8`
      : undefined;
  return {
    install,
    ...(/\bpytest\b/.test(requirements) ? { test: `${runner} pytest` } : {}),
    ...(lint ? { lint } : {}),
  };
};

export const detectPythonService = (dir: string, relativePath: string): Omit<DetectedService, 'evidence'> | undefined => {
  const pyproject = readText(path.join(dir, 'pyproject.toml'));
  const requirementFiles = ['requirements.txt', 'requirements-dev.txt', 'requirements/base.txt', 'Pipfile'];
  const requirementTexts = requirementFiles.map((name) => readText(path.join(dir, name)));
  if (pyproject === undefined && requirementTexts.every((text) => text === undefined)) return undefined;
  const requirements = [pyproject ?? '', ...requirementTexts.map((text) => text ?? '')].join('\n');

  const framework = frameworkByRequirement.find(([pattern]) => pattern.test(requirements))?.[1];
  const files = withoutTests(dir, sourceFiles(dir, ['.py']));
  const hasEntryPoint = files.some((file) => /(^|[\\/])(main|app|__main__|manage|worker)\.py$/.test(file));
  if (!framework && !workerRequirement.test(requirements) && !hasEntryPoint) return undefined;

  const source = readAll(files);
  const manager = packageManagerOf(dir, pyproject ?? '');
  const projectName = pyproject?.match(/^\s*name\s*=\s*"([^"]+)"/m)?.[1];
  const port =
    // Only ports a server is run on: `redis.Redis(port=6379)` or `connect(port=5432)` are not the service's.
    portInSource(source) ??
    asPort(requirements.match(/--port[= ](\d{2,5})/)?.[1]) ??
    findPortInEnv(dir) ??
    (framework ? defaultPorts[framework] : undefined) ??
    8000;
  const manifestText = requirements.replace(/^([A-Za-z0-9_.-]+)/gm, '"$1"');
  return {
    name: toServiceName(projectName ?? path.basename(dir)),
    path: relativePath,
    kind: framework ? 'backend' : 'worker',
    language: 'python',
    framework: framework ?? 'none',
    packageManager: manager,
    port,
    healthPath: findHealthPath(files) ?? '/healthz',
    commands: commandsOf(manager, requirements, dir),
    uses: findDatastores(manifestText, [dir]),
  };
};
