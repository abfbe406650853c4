/**
 * Python images: runtime dependencies in a virtual environment (pip from requirements files, or the
 * hash-pinned export of poetry.lock / uv.lock), the service's own tests in a `test` stage, and a slim
 * runtime that starts the WSGI/ASGI server directly.
 */
import type { Service } from '../../catalog/service.js';
import type { Config } from '../../plan/types.js';
import { imageRef, toolVersion } from '../../versions/index.js';
import { buildSecrets, cacheMount, commonData, execForm, healthCheck, healthUrl, runtimeUsers, secretMount, servesHttp } from './common.js';

const pipCache = cacheMount('/root/.cache/pip');

/** The requirement files named by the install command (`pip install -r requirements.txt -r requirements-dev.txt`). */
export const requirementFiles = (service: Service): string[] =>
  [...(service.commands.install ?? '').matchAll(/(?:^|\s)(?:-r|--requirement)[=\s]+(\S+)/g)].map((match) => match[1]);

/** Files installed at run time: the requirement files that are not for development, tests or linting. */
const runtimeRequirements = (files: string[]): string[] => {
  const runtime = files.filter((file) => !/(dev|test|lint|ci)[^/]*$/i.test(file));
  return runtime.length > 0 ? runtime : files.slice(0, 1);
};

interface Server {
  /** The executable the requirements must provide, checked at build time. */
  executable?: string;
  command: string[];
  /** Comment lines above CMD. */
  note: string[];
}

/**
 * How the container starts the service: the framework's production server in exec form. The module
 * paths follow each framework's documented layout; change them here if the project differs.
 */
export const pythonServer = (service: Service): Server => {
  const bind = `0.0.0.0:${service.port}`;
  if (service.kind === 'worker') {
    return {
      command: ['python', '-m', 'worker'],
      note: [
        'The worker module (worker.py) runs as PID 1: it must handle SIGTERM to stop cleanly (Celery, RQ and',
        'Dramatiq do). With Celery, start it with ["celery", "-A", "worker", "worker"] instead.',
      ],
    };
  }
  switch (service.framework) {
    case 'fastapi':
      return {
        executable: 'uvicorn',
        command: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', String(service.port)],
        note: [
          "Uvicorn serves `app` from app/main.py (FastAPI's documented layout), stops gracefully on SIGTERM,",
          'and takes its number of worker processes from WEB_CONCURRENCY.',
        ],
      };
    case 'django':
      return {
        executable: 'gunicorn',
        command: ['gunicorn', '--bind', bind, '--access-logfile', '-', `${service.name.replace(/-/g, '_')}.wsgi:application`],
        note: [
          "Gunicorn serves the Django project's WSGI application (the project package named after the service),",
          'stops gracefully on SIGTERM, and takes its number of workers from WEB_CONCURRENCY.',
        ],
      };
    case 'flask':
      return {
        executable: 'gunicorn',
        command: ['gunicorn', '--bind', bind, '--access-logfile', '-', 'app:app'],
        note: [
          'Gunicorn serves `app` from app.py, stops gracefully on SIGTERM, and takes its number of workers from',
          'WEB_CONCURRENCY.',
        ],
      };
    default:
      return {
        command: ['python', '-m', 'main'],
        note: ['The main module (main.py) runs as PID 1: it must handle SIGTERM to stop cleanly.'],
      };
  }
};

type Flow =
  | { kind: 'requirements'; copies: { source: string; target: string }[]; runtime: string; testInstall: string }
  | { kind: 'pyproject'; testInstall: string }
  | { kind: 'poetry' | 'uv'; lockfile: string; tool: string; export: string; testEnv: string[]; testCache: string; testInstall: string };

const flowOf = (service: Service): Flow => {
  if (service.packageManager === 'poetry') {
    return {
      kind: 'poetry',
      lockfile: 'poetry.lock',
      tool: `poetry==${toolVersion('poetry')}`,
      export: 'poetry export --only main --format requirements.txt --output requirements.lock',
      testEnv: ['POETRY_VIRTUALENVS_IN_PROJECT=true'],
      testCache: cacheMount('/root/.cache/pypoetry'),
      testInstall: 'poetry install --no-root --no-interaction',
    };
  }
  if (service.packageManager === 'uv') {
    return {
      kind: 'uv',
      lockfile: 'uv.lock',
      tool: `uv==${toolVersion('uv')}`,
      export: 'uv export --frozen --no-dev --no-emit-project --format requirements-txt --output-file requirements.lock',
      testEnv: ['UV_FROZEN=1', 'UV_LINK_MODE=copy'],
      testCache: cacheMount('/root/.cache/uv'),
      testInstall: 'uv sync --no-install-project',
    };
  }
  const files = requirementFiles(service);
  const install = service.commands.install;
  if (files.length > 0 || install === undefined) {
    const all = files.length > 0 ? files : ['requirements.txt'];
    return {
      kind: 'requirements',
      // requirements*.txt and a requirements/ folder (copied where they exist): the files `-r` lines may include.
      copies: [
        { source: 'requirements*.txt', target: './' },
        { source: 'requirement[s]', target: './requirements/' },
      ],
      runtime: runtimeRequirements(all).map((file) => `-r ${file}`).join(' '),
      testInstall: install ?? `pip install ${all.map((file) => `-r ${file}`).join(' ')}`,
    };
  }
  return { kind: 'pyproject', testInstall: install };
};

export const planPythonService = (config: Config, service: Service) => {
  const flow = flowOf(service);
  const server = pythonServer(service);
  const framework = service.kind === 'worker' ? 'worker' : service.framework;
  return {
    ...commonData(config, service, `Python ${service.kind} (${framework}; ${service.packageManager})`),
    image: imageRef('python'),
    secrets: [buildSecrets.pipConf],
    flow,
    pipMounts: [pipCache, secretMount(buildSecrets.pipConf)],
    testCommand: service.commands.test,
    serverExecutable: server.executable,
    user: runtimeUsers.app,
    env: ['VIRTUAL_ENV=/opt/venv', 'PATH="/opt/venv/bin:$PATH"', ...(servesHttp(service) ? [`PORT=${service.port}`] : [])],
    healthCheck: servesHttp(service)
      ? healthCheck(
          ['python', '-c', `import urllib.request; urllib.request.urlopen('${healthUrl(service)}', timeout=4)`],
          'python is in the image: urllib probes the health path and raises on an error status (no curl needed).',
        )
      : undefined,
    serverNote: server.note,
    cmd: execForm(server.command),
  };
};
