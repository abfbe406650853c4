/**
 * Python services: FastAPI, Django and Flask back ends, and the Celery, RQ and management-command workers
 * that run beside them, read from the project's manifests, code and launch files (see the readers in this
 * folder). Every value carries the file and line it came from.
 */
import path from 'node:path';
import type { DatastoreEngine, Framework, ServiceCommands, ServiceMigrations } from '../../catalog/service.js';
import { nestedManifestFolders, type DetectContext, type ServiceDetector } from '../context.js';
import { evidence, type Found, found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { toServiceName } from '../service-name.js';
import { readToml } from '../toml.js';
import type { DetectedService, Evidence } from '../types.js';
import { folderOf, inFolder } from '../workspaces.js';
import { entryCandidates, findAppObject, findBeatSchedule, findCelery, findDjango, target, type AppObject, type CeleryApp, type DjangoProject } from './app.js';
import {
  gunicornConfigs,
  type Launch,
  portInCommand,
  projectLaunches,
  readGunicornConfig,
  readUwsgiIni,
  relativiseCommand,
} from './launch.js';
import { type Dependency, type PythonProject, readProject, runtimeVersion } from './project.js';
import { findDjangoHealth, findRouterHealth, type HealthRoute, nameResolver } from './routes.js';
import { environmentReads, type FoundSetting, mergeSettings, pydanticSettings } from './settings.js';
import { blockAt, Modules, readPython } from './source.js';
import { relativePath } from '../../repo-paths.js';

const has = (dependencies: readonly Dependency[], name: string, extra?: string): Dependency | undefined =>
  dependencies.find((dependency) => dependency.name === name && (extra === undefined || dependency.extras.includes(extra)));

const runtimeDependencies = (project: PythonProject) => project.dependencies.filter((dependency) => !dependency.dev);

/** Client libraries that reveal a datastore. */
const datastoreLibraries: [DatastoreEngine, RegExp][] = [
  ['postgres', /^(psycopg|psycopg2|psycopg2-binary|psycopg-binary|psycopg-c|asyncpg|pg8000|aiopg|psycopg-pool)$/],
  ['mysql', /^(mysqlclient|pymysql|aiomysql|mysql-connector-python|asyncmy|mysql-python)$/],
  ['mongodb', /^(pymongo|motor|beanie|mongoengine|djongo|odmantic|flask-pymongo|django-mongodb-backend)$/],
  ['redis', /^(redis|hiredis|aioredis|django-redis|channels-redis|rq|arq|django-rq|redis-om|flask-redis|celery-redis)$/],
];

const urlSchemes: [DatastoreEngine, RegExp][] = [
  ['postgres', /^postgres(ql)?(\+\w+)?:\/\//],
  ['mysql', /^(mysql|mariadb)(\+\w+)?:\/\//],
  ['mongodb', /^mongodb(\+srv)?:\/\//],
  ['redis', /^rediss?:\/\//],
];

const settingsFileName = /^(settings|config|conf|configuration|constants|env|environment|base|production|prod)\.py$/;
const settingsFolder = /(^|\/)(settings|config|conf|core)\//;

interface Layout {
  project: PythonProject;
  servicePath: string;
  modules: Modules;
  files: string[];
  candidates: string[];
  django?: DjangoProject;
}

const layoutOf = (context: DetectContext, folder: string, project: PythonProject): Layout => {
  const { index } = context;
  const nested = nestedManifestFolders(context, folder);
  const own = (candidate: string) => !nested.some((other) => candidate === other || candidate.startsWith(`${other}/`));
  const hasDjango = project.dependencies.some((dependency) => dependency.name === 'django');
  const django = hasDjango ? findDjango(index, folder, own) : undefined;
  const servicePath = django?.folder ?? folder;
  const src = inFolder(servicePath, 'src');
  const roots = [servicePath, ...(index.isFolder(src) ? [src] : [])];
  const files = index.sourceFiles(servicePath, ['.py'], nested);
  return { project, servicePath, modules: new Modules(index, roots), files, candidates: entryCandidates(files, servicePath), ...(django ? { django } : {}) };
};

/** Settings modules and entry modules: where the environment is read. */
const settingsFiles = (layout: Layout, extra: readonly (string | undefined)[]): string[] => {
  const prefix = layout.servicePath === '.' ? '' : `${layout.servicePath}/`;
  const named = layout.files.filter((file) => {
    const relative = file.slice(prefix.length);
    return relative.split('/').length <= 5 && (settingsFileName.test(path.posix.basename(file)) || settingsFolder.test(relative));
  });
  return [...new Set([...extra.filter((file): file is string => file !== undefined), ...named])];
};

/** The Django settings module and, when it is a package, its sibling modules. */
const djangoSettingsFiles = (index: RepoIndex, django: DjangoProject): string[] => {
  if (!django.settingsFile) return [];
  const folder = folderOf(django.settingsFile);
  const isPackage = django.settingsFile.endsWith('/__init__.py') || /\/settings$/.test(folder);
  const siblings = isPackage ? index.filesUnder(folder).filter((file) => folderOf(file) === folder && file.endsWith('.py')) : [];
  // A settings module chosen among several (config.settings.production) reads the others through star imports.
  return [...new Set([django.settingsFile, ...siblings.filter((file) => !/\/(test|tests|testing|local|dev|development)\.py$/.test(file))])];
};

const runnerOf = (manager: PythonProject['packageManager']): string =>
  ({ pip: 'python -m', poetry: 'poetry run', uv: 'uv run', pdm: 'pdm run', pipenv: 'pipenv run' })[manager];


const installCommand = (project: PythonProject, servicePath: string): string => {
  const locked = project.lockfile !== undefined;
  switch (project.packageManager) {
    case 'uv':
      return locked ? 'uv sync --frozen' : 'uv sync';
    case 'poetry':
      return 'poetry install --no-interaction';
    case 'pdm':
      return locked ? 'pdm install --frozen-lockfile' : 'pdm install';
    case 'pipenv':
      return locked ? 'pipenv install --deploy --dev' : 'pipenv install --dev';
    default: {
      // CI installs what tests and linters need too; the development file usually includes the production one.
      const { production, dev } = project.requirements;
      const files = [production, dev].filter((file): file is string => file !== undefined);
      if (files.length === 0) return 'pip install .';
      return `pip install ${files.map((file) => `-r ${relativePath(servicePath, file)}`).join(' ')}`;
    }
  }
};

/** Makefile targets of a folder (`name:` at the start of a line, not `name :=`). */
const makeTargets = (index: RepoIndex, folder: string): Set<string> => {
  const text = index.read(inFolder(folder, 'Makefile')) ?? index.read(inFolder(folder, 'makefile')) ?? '';
  return new Set([...text.matchAll(/^([A-Za-z0-9][\w.-]*)\s*:(?!=)/gm)].map((match) => match[1]));
};

const ciCommands = (index: RepoIndex, layout: Layout): ServiceCommands => {
  const { project, servicePath } = layout;
  const runner = runnerOf(project.packageManager);
  const all = project.dependencies;
  const scripts = { ...(project.pyproject?.tool?.pdm?.scripts ?? {}) } as Record<string, unknown>;
  const poe = (project.pyproject?.tool?.poe?.tasks ?? {}) as Record<string, unknown>;
  const named = (step: string): string | undefined =>
    project.packageManager === 'pdm' && scripts[step] !== undefined ? `pdm run ${step}` : poe[step] !== undefined ? `${runner} poe ${step}` : undefined;
  // The project's own scripts/test.sh and scripts/lint.sh, run with the project's tools on the PATH.
  const script = (step: string): string | undefined => {
    const file = [`scripts/${step}.sh`, `scripts/${step}s.sh`].find((candidate) => index.has(inFolder(servicePath, candidate)));
    return file ? `${project.packageManager === 'pip' ? '' : `${runner} `}bash ${file}` : undefined;
  };
  const test =
    named('test') ??
    script('test') ??
    (has(all, 'pytest') ? `${runner} pytest` : layout.django ? (project.packageManager === 'pip' ? 'python manage.py test' : `${runner} python manage.py test`) : undefined);
  const lint = named('lint') ?? script('lint') ?? (has(all, 'ruff') ? `${runner} ruff check .` : has(all, 'flake8') ? `${runner} flake8` : undefined);
  const targets = new Set([...makeTargets(index, servicePath), ...makeTargets(index, project.folder)]);
  const fromMake = (step: 'build' | 'test' | 'lint') => (targets.has(step) ? `make ${step}` : undefined);
  const build = fromMake('build');
  const testCommand = test ?? fromMake('test');
  const lintCommand = lint ?? fromMake('lint');
  return {
    install: installCommand(project, servicePath),
    ...(build ? { build } : {}),
    ...(testCommand ? { test: testCommand } : {}),
    ...(lintCommand ? { lint: lintCommand } : {}),
  };
};

/** Executables the start command needs, and whether the project installs them. */
const providers: Record<string, (deps: readonly Dependency[]) => boolean> = {
  uvicorn: (deps) => Boolean(has(deps, 'uvicorn') || has(deps, 'fastapi', 'standard') || has(deps, 'fastapi', 'all')),
  fastapi: (deps) => Boolean(has(deps, 'fastapi-cli') || has(deps, 'fastapi', 'standard') || has(deps, 'fastapi', 'all')),
  gunicorn: (deps) => Boolean(has(deps, 'gunicorn')),
  daphne: (deps) => Boolean(has(deps, 'daphne') || has(deps, 'channels', 'daphne')),
  hypercorn: (deps) => Boolean(has(deps, 'hypercorn')),
  granian: (deps) => Boolean(has(deps, 'granian')),
  uwsgi: (deps) => Boolean(has(deps, 'uwsgi') || has(deps, 'pyuwsgi')),
  'waitress-serve': (deps) => Boolean(has(deps, 'waitress')),
  celery: (deps) => Boolean(has(deps, 'celery')),
  rq: (deps) => Boolean(has(deps, 'rq') || has(deps, 'django-rq')),
  dramatiq: (deps) => Boolean(has(deps, 'dramatiq')),
  arq: (deps) => Boolean(has(deps, 'arq')),
};

const missingExecutable = (command: string, dependencies: readonly Dependency[]): string | undefined => {
  const executable = command.replace(/^python3? -m /, '').split(' ')[0];
  const provided = providers[executable];
  if (provided && !provided(dependencies)) return executable;
  if (/-k uvicorn\.workers\.UvicornWorker|uvicorn\.workers/.test(command) && !providers.uvicorn(dependencies) && !has(dependencies, 'uvicorn-worker')) return 'uvicorn';
  return undefined;
};

interface WebPlan {
  framework: Framework;
  app?: AppObject;
  start?: Found<string>;
  port?: Found<number>;
  health?: HealthRoute;
}

const portInSource = (index: RepoIndex, files: readonly string[]): Found<number> | undefined => {
  const patterns = [
    // uvicorn.run(app, port=8000), app.run(port=5001), port=int(os.getenv("PORT", "8000"))
    /\b(?:uvicorn\.run|\.run|serve)\([^)]*?\bport\s*=\s*(?:int\(\s*)?(?:os\.(?:environ\.get|getenv)\(\s*["']PORT["']\s*,\s*)?["']?(\d{2,5})\b/,
    /\bos\.(?:environ\.get|getenv)\(\s*["']PORT["']\s*,\s*["']?(\d{2,5})\b/,
  ];
  for (const pattern of patterns) {
    for (const file of files) {
      const text = readPython(index, file);
      const match = text?.match(pattern);
      if (text && match) return found(Number(match[1]), evidence(file, match[0].replace(/\s+/g, ' ').slice(0, 80), text, match.index));
    }
  }
  return undefined;
};

const portInEnvFiles = (index: RepoIndex, folders: readonly string[]): Found<number> | undefined => {
  for (const folder of [...new Set(folders)]) {
    for (const name of ['.env.example', '.env.sample', '.env.template', '.env']) {
      const file = inFolder(folder, name);
      const text = index.read(file);
      const match = text?.match(/^PORT\s*=\s*["']?(\d{2,5})/m);
      if (text && match) return found(Number(match[1]), evidence(file, match[0], text, match.index));
    }
  }
  return undefined;
};

const defaultPorts: Record<string, number> = { 'waitress-serve': 8080, flask: 5000 };

/** `$PORT`, `${PORT}`, `${PORT:-8000}` in a start command: its default, else the port found elsewhere. */
const portVariable = /\$\{PORT(?::-(\d+))?\}|\$PORT\b/;

/** A launch's command as it runs from the service folder, or undefined when it names paths outside the repository. */
const usable = (launch: Launch, copies: readonly [string, string][], servicePath: string, django: boolean): string | undefined => {
  let command = relativiseCommand(launch.command, copies, servicePath);
  if (django) command = command.replace(/^(python3? )?(\S*\/)?manage\.py\b/, 'python manage.py');
  return /(^|[\s=])\/(opt|srv|home|app|code|usr\/src|var\/www|etc)\//.test(command) ? undefined : command;
};

/** A `[project.scripts]` / `[tool.poetry.scripts]` entry whose function starts a server. */
const serverScript = (index: RepoIndex, layout: Layout): Found<string> | undefined => {
  const { project, modules } = layout;
  const scripts = { ...(project.pyproject?.tool?.poetry?.scripts ?? {}), ...(project.pyproject?.project?.scripts ?? {}) } as Record<string, unknown>;
  for (const [script, reference] of Object.entries(scripts)) {
    if (typeof reference !== 'string') continue;
    const [module, functionName] = reference.split(':');
    const file = module ? modules.file(module) : undefined;
    const text = file ? readPython(index, file) : undefined;
    const definition = text && functionName ? text.match(new RegExp(`^def\\s+${functionName.split('.')[0]}\\s*\\(`, 'm')) : undefined;
    if (!file || !text || !definition) continue;
    if (!/\b(uvicorn|granian|hypercorn|waitress)\.(run|serve)\(|\bapp\.run\(|\bserve\(/.test(blockAt(text, definition.index!))) continue;
    const manifest = project.pyprojectFile!;
    const manifestText = index.read(manifest) ?? '';
    return found(script, evidence(manifest, `script ${script} = "${reference}" starts the server`, manifestText, manifestText.indexOf(`${script} =`)));
  }
  return undefined;
};

const webStart = (
  index: RepoIndex,
  layout: Layout,
  framework: Framework,
  app: AppObject | undefined,
  launches: readonly Launch[],
  copies: readonly [string, string][],
  codePort: Found<number> | undefined,
  settingsPort: Found<number> | undefined,
  notes: string[],
  name: string,
): { start?: Found<string>; port?: Found<number> } => {
  const { servicePath, project, django } = layout;
  const deps = project.dependencies;
  const launch = launches.find((candidate) => candidate.role === 'web' && usable(candidate, copies, servicePath, Boolean(django)) !== undefined);
  const configs = gunicornConfigs(index, [servicePath, project.folder, '.']);
  const localConfig = configs.find((file) => file === inFolder(servicePath, 'gunicorn.conf.py'));
  if (launch) {
    const command = usable(launch, copies, servicePath, Boolean(django))!;
    const variable = command.match(portVariable);
    let port = portInCommand(command.replace(portVariable, variable?.[1] ?? '0').replace(/"(\d+)"/g, '$1'));
    let portEvidence: Evidence = launch.evidence;
    const configFlag = command.match(/(?:^|\s)(?:-c|--config)[=\s]+(\S+)/)?.[1];
    const config = configFlag ? inFolder(servicePath, configFlag) : command.startsWith('gunicorn') ? localConfig : undefined;
    if (!port && config && index.has(config)) {
      const read = readGunicornConfig(index, config);
      if (read.port) [port, portEvidence] = [read.port, read.portEvidence!];
    }
    const uwsgiIni = command.match(/^uwsgi\s+(?:--ini\s+)?(\S+\.ini)\b/)?.[1];
    if (!port && uwsgiIni) {
      const read = readUwsgiIni(index, inFolder(servicePath, uwsgiIni));
      if (read.port) [port, portEvidence] = [read.port, read.evidence!];
    }
    if (!port) {
      const fallback = codePort ?? settingsPort;
      if (fallback) [port, portEvidence] = [fallback.value, fallback.evidence];
    }
    if (!port) {
      const executable = command.replace(/^python3? -m /, '').split(' ')[0];
      port = defaultPorts[executable] ?? 8000;
      portEvidence = { ...launch.evidence, note: `${executable} listens on ${port} by default` };
    }
    // The command stays as the project wrote it: the container's PORT is set to the port found here.
    if (variable) notes.push(`${name}: the start command reads $PORT (${launch.evidence.file}); the service listens on ${port}`);
    const missing = missingExecutable(command, deps);
    if (missing) notes.push(`${name}: the start command runs ${missing}, which is not among the project's dependencies; install it in the image`);
    return { start: found(command, launch.evidence), port: found(port, portEvidence) };
  }

  // A console script of the project that runs the server itself (`[project.scripts] api = "api.main:run"`).
  const script = serverScript(index, layout);
  if (script) return { start: script, port: codePort ?? settingsPort ?? found(8000, evidence(script.evidence.file, 'the server listens on 8000 by default')) };

  // Nothing in the project starts it: the framework's production server on the real app object.
  const config = localConfig ? readGunicornConfig(index, localConfig) : configs[0] ? readGunicornConfig(index, configs[0]) : undefined;
  const port = config?.port ? found(config.port, config.portEvidence!) : codePort ?? settingsPort;
  const portValue = port?.value ?? 8000;
  const portFound = port ?? found(portValue, evidence(app?.file ?? django?.manage ?? project.pyprojectFile ?? servicePath, 'the server listens on 8000 by default'));
  const configArgument = config && config.file !== localConfig ? `-c ${relativePath(servicePath, config.file)} ` : '';
  // A configuration that binds every interface needs no --bind; one bound to loopback (a host install) does.
  const bind = config?.port && !/^bind\s*=.*(127\.0\.0\.1|localhost)/m.test(index.read(config.file) ?? '') ? '' : ` --bind 0.0.0.0:${portValue}`;
  let command: string | undefined;
  let why: Evidence | undefined;
  if (framework === 'django' && django) {
    const asgiDeps = has(deps, 'channels') || has(deps, 'daphne') || has(deps, 'uvicorn') || has(deps, 'granian') || /uvicorn/i.test(config?.workerClass ?? '');
    const asgi = Boolean(django.asgi && asgiDeps);
    const entry = `${django.package}.${asgi ? 'asgi' : 'wsgi'}:application`;
    why = evidence(asgi ? django.asgi! : (django.wsgi ?? django.manage), `${entry}${asgi ? ' (ASGI: channels/uvicorn/daphne is a dependency)' : ''}`);
    if (has(deps, 'gunicorn') || !(has(deps, 'daphne') || has(deps, 'uvicorn') || has(deps, 'uwsgi'))) {
      const worker = asgi && !/uvicorn/i.test(config?.workerClass ?? '') ? ' -k uvicorn.workers.UvicornWorker' : '';
      command = `gunicorn ${configArgument}${entry}${worker}${bind}`;
    } else if (asgi && has(deps, 'daphne')) command = `daphne -b 0.0.0.0 -p ${portValue} ${entry}`;
    else if (asgi || has(deps, 'uvicorn')) command = `uvicorn ${entry} --host 0.0.0.0 --port ${portValue}`;
    else command = `uwsgi --http :${portValue} --module ${entry}`;
  } else if (framework === 'fastapi' && app) {
    why = app.evidence;
    const appTarget = target(app, 'flag');
    command = providers.uvicorn(deps) || !has(deps, 'gunicorn')
      ? `uvicorn ${appTarget}${app.factory ? ' --factory' : ''} --host 0.0.0.0 --port ${portValue}`
      : `gunicorn ${configArgument}${appTarget} -k uvicorn.workers.UvicornWorker${bind}`;
  } else if (framework === 'flask' && app) {
    why = app.evidence;
    const appTarget = app.factory ? `"${target(app)}"` : target(app);
    command = has(deps, 'gunicorn') || !has(deps, 'waitress') ? `gunicorn ${configArgument}${appTarget}${bind}` : `waitress-serve --listen=0.0.0.0:${portValue} ${appTarget}`;
  }
  if (!command || !why) {
    notes.push(`${name}: no start command found and no app object to start; set commands.start`);
    return { port: portFound };
  }
  const missing = missingExecutable(command, deps);
  if (missing) notes.push(`${name}: the start command runs ${missing}, which is not among the project's dependencies; add it`);
  return { start: found(command, why), port: portFound };
};

const toEvidenceKey = (settings: readonly FoundSetting[]): Record<string, Evidence> =>
  Object.fromEntries(settings.map((entry) => [`settings.${entry.name}`, entry.evidence]));

const plainSettings = (settings: readonly FoundSetting[]) =>
  settings.map(({ name, secret, default: value }) => ({ name, ...(secret ? { secret } : {}), ...(value !== undefined ? { default: value } : {}) }));

/** Datastores from runtime dependencies, Django ENGINE strings, settings URLs and env files. */
const datastores = (index: RepoIndex, layout: Layout, settings: readonly FoundSetting[], djangoFiles: readonly string[], notes: string[], name: string) => {
  const uses = new Map<DatastoreEngine, Evidence>();
  const add = (engine: DatastoreEngine, where: Evidence) => {
    if (!uses.has(engine)) uses.set(engine, where);
  };
  for (const dependency of runtimeDependencies(layout.project)) {
    for (const [engine, pattern] of datastoreLibraries) if (pattern.test(dependency.name)) add(engine, dependency.evidence);
    if (['celery', 'kombu', 'dramatiq', 'databases', 'sqlalchemy'].includes(dependency.name)) {
      for (const extra of dependency.extras) {
        if (/^redis$/.test(extra)) add('redis', dependency.evidence);
        if (/^(postgresql|asyncpg|psycopg|postgres)$/.test(extra)) add('postgres', dependency.evidence);
        if (/^(mysql|aiomysql|pymysql)$/.test(extra)) add('mysql', dependency.evidence);
      }
    }
  }
  let sqlite: string | undefined;
  for (const file of djangoFiles) {
    const text = readPython(index, file) ?? '';
    for (const [engine, pattern] of [
      ['postgres', /django\.db\.backends\.postgresql|django\.contrib\.gis\.db\.backends\.postgis/],
      ['mysql', /django\.db\.backends\.mysql/],
      ['redis', /django_redis\.cache|channels_redis\.|django\.core\.cache\.backends\.redis/],
    ] as [DatastoreEngine, RegExp][]) {
      const match = text.match(pattern);
      if (match) add(engine, evidence(file, match[0], text, match.index));
    }
    if (/django\.db\.backends\.sqlite3/.test(text)) sqlite = file;
  }
  for (const entry of settings) {
    for (const [engine, scheme] of urlSchemes) if (entry.rawDefault && scheme.test(entry.rawDefault)) add(engine, entry.evidence);
    if (/sqlite/.test(entry.rawDefault ?? '')) sqlite ??= entry.evidence.file;
  }
  for (const folder of [...new Set([layout.servicePath, layout.project.folder])]) {
    for (const envName of ['.env.example', '.env.sample', '.env.template', '.env']) {
      const file = inFolder(folder, envName);
      const text = index.read(file);
      if (!text) continue;
      for (const match of text.matchAll(/^\s*(?:export\s+)?[A-Z][A-Z0-9_]*\s*=\s*["']?([^"'\s#]+)/gm)) {
        for (const [engine, scheme] of urlSchemes) if (scheme.test(match[1])) add(engine, evidence(file, `${match[0].split('=')[0].trim()} URL`, text, match.index));
      }
    }
  }
  if (sqlite && uses.size === 0) notes.push(`${name}: uses SQLite (${sqlite}): the app writes a database file, which needs a persistent volume`);
  const engines = [...uses.keys()].sort();
  return { engines, evidence: Object.fromEntries(engines.map((engine) => [`uses.${engine}`, uses.get(engine)!])) };
};

const migrationsOf = (index: RepoIndex, layout: Layout, framework: Framework, launches: readonly Launch[], notes: string[], name: string): Found<ServiceMigrations> | undefined => {
  const { servicePath, project, django } = layout;
  const atStart = launches.find((launch) => launch.role === 'migrate');
  if (atStart) notes.push(`${name}: the project runs its migrations itself (${atStart.evidence.file}${atStart.evidence.line ? `:${atStart.evidence.line}` : ''}); phase4 runs them once before the new version starts`);
  if (django) {
    return found({ tool: 'django', command: 'python manage.py migrate --noinput' }, atStart?.evidence ?? evidence(django.manage, 'Django project: manage.py migrate'));
  }
  const ini = index
    .named('alembic.ini')
    .filter((file) => (servicePath === '.' || file.startsWith(`${servicePath}/`)) && file.split('/').length - (servicePath === '.' ? 0 : servicePath.split('/').length) <= 3)
    .sort((a, b) => a.length - b.length)[0];
  if (ini) {
    const folder = folderOf(ini);
    // script_location is relative to the working folder unless it says %(here)s.
    const here = /^script_location\s*=\s*%\(here\)s/m.test(index.read(ini) ?? '');
    const command =
      folder === servicePath ? 'alembic upgrade head' : here ? `alembic -c ${relativePath(servicePath, ini)} upgrade head` : `cd ${relativePath(servicePath, folder)} && alembic upgrade head`;
    return found({ tool: 'alembic', command }, evidence(ini, `alembic.ini (${relativePath(servicePath, ini)})`));
  }
  const flaskMigrate = has(project.dependencies, 'flask-migrate');
  if (framework === 'flask' && flaskMigrate) {
    if (!index.isFolder(inFolder(servicePath, 'migrations'))) notes.push(`${name}: Flask-Migrate is set up but no migrations/ folder is committed; create it with flask db init and flask db migrate`);
    if (!/FLASK_APP/.test(index.read(inFolder(servicePath, '.flaskenv')) ?? '')) notes.push(`${name}: flask db upgrade needs FLASK_APP to name the app; set it in the migration job's environment`);
    return found({ tool: 'alembic', command: 'flask db upgrade' }, flaskMigrate.evidence);
  }
  return undefined;
};

/** Dramatiq's actors module (`dramatiq app.tasks`) or arq's settings class (`arq app.worker.WorkerSettings`). */
const queueWorker = (index: RepoIndex, modules: Modules, candidates: readonly string[], queue: 'dramatiq' | 'arq'): Found<string> | undefined => {
  const marker = queue === 'dramatiq' ? /@dramatiq\.actor\b|\bdramatiq\.set_broker\(/ : /^class\s+(\w*WorkerSettings\w*)\b/m;
  for (const file of candidates) {
    const text = readPython(index, file);
    const match = text?.match(marker);
    const module = match ? modules.moduleOf(file)?.module : undefined;
    if (!text || !match || !module) continue;
    const command = queue === 'dramatiq' ? `dramatiq ${module}` : `arq ${module}.${match[1]}`;
    return found(command, evidence(file, match[0].trim(), text, match.index));
  }
  return undefined;
};

/** A declared Python whose newest allowed minor version is past its end of life (3.9 ended in October 2025). */
const endOfLife = (declared: string): string | undefined => {
  const versions = [...declared.matchAll(/(\d+)\.(\d+)/g)].map((match) => [Number(match[1]), Number(match[2])] as const);
  if (versions.length === 0) return undefined;
  const capped = /^(==|~=|\^|~)?\s*\d/.test(declared.trim()) || /^\d/.test(declared.trim()) || /<\s*3\.(\d+)/.test(declared);
  const [major, minor] = versions[0];
  return capped && major === 3 && minor < 10 && !/>/.test(declared) ? `${major}.${minor}` : undefined;
};

const workerName = (base: string, suffix: string) => toServiceName(`${base}-${suffix}`);

export const detectPythonService: ServiceDetector = (folder, context) => {
  const { index, notes } = context;
  const project = readProject(index, folder, context.workspaces);
  if (!project) return undefined;
  const layout = layoutOf(context, folder, project);
  const { servicePath, modules, candidates, django } = layout;
  const deps = project.dependencies;
  const runtimeDeps = runtimeDependencies(project);
  const isWorkspaceRoot = context.workspaces.some((workspace) => workspace.root === folder && workspace.members.length > 0);
  const name = toServiceName(project.name ?? (folder === '.' ? path.basename(index.root) : path.posix.basename(folder)));

  // The web framework and its app object.
  let framework: Framework = 'none';
  let app: AppObject | undefined;
  let frameworkEvidence: Evidence | undefined;
  const fastapiEntry = project.pyproject?.tool?.fastapi?.entrypoint;
  if (django) {
    framework = 'django';
    frameworkEvidence = django.evidence;
  } else if (has(runtimeDeps, 'fastapi')) {
    framework = 'fastapi';
    const entryFile = typeof fastapiEntry === 'string' ? modules.file(fastapiEntry.split(':')[0]) : undefined;
    app = findAppObject(index, modules, [...(entryFile ? [entryFile] : []), ...candidates], 'FastAPI');
    frameworkEvidence = app?.evidence ?? has(runtimeDeps, 'fastapi')!.evidence;
  } else if (has(runtimeDeps, 'flask')) {
    framework = 'flask';
    app = findAppObject(index, modules, candidates, 'Flask');
    frameworkEvidence = app?.evidence ?? has(runtimeDeps, 'flask')!.evidence;
  }

  const celery = has(deps, 'celery') ? findCelery(index, modules, candidates) : undefined;
  const rqDependency = has(runtimeDeps, 'django-rq') ?? has(runtimeDeps, 'rq');
  const documentation = ['mkdocs', 'sphinx', 'mkdocs-material'].some((tool) => has(deps, tool)) && framework === 'none';
  if (documentation) return { notService: { path: folder, why: 'documentation site: built, not deployed as a service' } };
  const rootIsOwn = folder === '.' || !context.manifestFolders.includes('.');
  const { launches, copies } = projectLaunches(index, servicePath, folder, rootIsOwn);
  const webLaunch = launches.find((launch) => launch.role === 'web');

  const queues = Boolean(celery || rqDependency || has(runtimeDeps, 'dramatiq') || has(runtimeDeps, 'arq'));
  // A package that depends on FastAPI or Flask but builds no app (shared routers, extensions) is a library.
  if ((framework === 'fastapi' || framework === 'flask') && !app && !webLaunch && !queues && !serverScript(index, layout)) {
    return { notService: { path: folder, why: `library: depends on ${framework === 'fastapi' ? 'FastAPI' : 'Flask'} but builds no app and starts no server` } };
  }
  if (framework === 'none' && !queues && !webLaunch) {
    if (isWorkspaceRoot) return { notService: { path: folder, why: 'workspace root: it only orchestrates its members' } };
    return { notService: { path: folder, why: 'no web framework, worker or start command: a library or tooling' } };
  }

  // Settings: pydantic classes and environment reads in settings and entry modules.
  const djangoFiles = django ? djangoSettingsFiles(index, django) : [];
  const appModuleFile = app ? modules.file(app.module) : undefined;
  const files = settingsFiles(layout, [app?.file, appModuleFile, celery?.file, ...djangoFiles, ...gunicornConfigs(index, [servicePath, folder])]);
  const pydantic = pydanticSettings(index, files);
  const reads = environmentReads(index, files);
  const allSettings = mergeSettings(pydantic, reads);
  const portSetting = allSettings.find((entry) => entry.name === 'PORT' && entry.default !== undefined && /^\d+$/.test(entry.default));
  const settings = allSettings.filter((entry) => entry.name !== 'PORT');
  const settingDefault = (attribute: string) => pydantic.find((entry) => entry.attribute === attribute)?.rawDefault;
  const names = nameResolver(index, modules, settingDefault);

  const services: DetectedService[] = [];
  // The image installs the project only where it must: a package (a build system in pyproject.toml, not
  // Poetry's package-mode = false) whose code sits in a src/ layout, importable only once installed. A flat
  // application runs from its folder; installing it could fail where the package name matches no folder.
  const buildSystem = project.pyproject?.['build-system'];
  const srcLayout = index.filesUnder(inFolder(servicePath, 'src')).some((file) => /^[^/]+\/__init__\.py$/.test(file.slice(inFolder(servicePath, 'src').length + 1)));
  const installable =
    buildSystem && srcLayout && project.pyproject?.tool?.poetry?.['package-mode'] !== false && project.pyprojectFile
      ? evidence(project.pyprojectFile, `[build-system] of a src/ layout package`, index.read(project.pyprojectFile), index.read(project.pyprojectFile)?.indexOf('[build-system]'))
      : undefined;
  const runtime = runtimeVersion(index, [servicePath, folder, ...(project.workspace ? [project.workspace.root] : [])]);
  const commands = ciCommands(index, layout);
  const old = runtime ? endOfLife(runtime.value) : undefined;
  if (old) notes.push(`${name}: Python ${old} (${runtime!.evidence.file}) is past its end of life; plan an upgrade`);
  const settingsTexts = djangoFiles.map((file) => readPython(index, file) ?? '');
  const stores = datastores(index, layout, settings, djangoFiles, notes, name);
  const base = (): Omit<DetectedService, 'name' | 'kind' | 'framework' | 'commands' | 'evidence'> & { evidence: Record<string, Evidence> } => {
    const evidenceMap: Record<string, Evidence> = { ...stores.evidence, ...toEvidenceKey(settings) };
    if (project.packageManagerVersion) evidenceMap.packageManagerVersion = project.packageManagerVersion.evidence;
    if (runtime) evidenceMap.runtimeVersion = runtime.evidence;
    if (project.lockfile) evidenceMap.lockfile = project.lockfile.evidence;
    if (installable) evidenceMap.installable = installable;
    const workspace = project.workspace;
    const buildContext = workspace ? workspace.root : servicePath !== folder ? folder : undefined;
    return {
      path: servicePath,
      language: 'python',
      packageManager: project.packageManager,
      ...(project.packageManagerVersion ? { packageManagerVersion: project.packageManagerVersion.value } : {}),
      ...(runtime ? { runtimeVersion: runtime.value } : {}),
      ...(buildContext !== undefined ? { buildContext } : {}),
      ...(project.lockfile ? { lockfile: project.lockfile.value } : {}),
      ...(workspace && project.name ? { workspacePackage: project.name } : {}),
      ...(installable ? { installable: true } : {}),
      uses: stores.engines,
      ...(settings.length > 0 ? { settings: plainSettings(settings) } : {}),
      evidence: evidenceMap,
    };
  };

  const codePort = portInSource(index, [...new Set([app?.file, appModuleFile, ...candidates.slice(0, 20)].filter((file): file is string => file !== undefined))]);
  const settingsPort = portSetting ? found(Number(portSetting.default), portSetting.evidence) : portInEnvFiles(index, [servicePath, folder]);
  const hasWeb = framework !== 'none' || webLaunch !== undefined;
  let web: WebPlan | undefined;
  if (hasWeb) {
    const { start, port } = webStart(index, layout, framework, app, launches, copies, codePort, settingsPort, notes, name);
    let health: HealthRoute | undefined;
    if (django) {
      const urlconf = settingsTexts.join('\n').match(/^ROOT_URLCONF\s*=\s*["']([\w.]+)["']/m)?.[1] ?? `${django.package}.urls`;
      const djangoModules = new Modules(index, [django.folder]);
      health = findDjangoHealth(index, djangoModules, nameResolver(index, djangoModules, settingDefault), urlconf);
    } else if (app && (framework === 'fastapi' || framework === 'flask')) {
      health = findRouterHealth(index, modules, names, framework, { file: app.file, name: app.local });
    }
    const prefixed = framework === 'flask' && app ? readPython(index, app.file)?.match(/from_prefixed_env\(\s*(?:prefix\s*=\s*)?(?:["'](\w+)["'])?/) : undefined;
    if (prefixed) notes.push(`${name}: Flask reads every ${prefixed[1] ?? 'FLASK'}_* variable into its configuration (app.config.from_prefixed_env)`);
    web = { framework, app, start, port, health };
  }

  const migrations = hasWeb ? migrationsOf(index, layout, framework, launches, notes, name) : undefined;

  if (web) {
    const common = base();
    const evidenceMap = { ...common.evidence };
    evidenceMap.framework = frameworkEvidence ?? web.start?.evidence ?? evidence(project.pyprojectFile ?? servicePath, 'no framework');
    if (web.port) evidenceMap.port = web.port.evidence;
    if (web.health) evidenceMap.healthPath = web.health.evidence;
    if (web.start) evidenceMap['commands.start'] = web.start.evidence;
    if (migrations) evidenceMap.migrations = migrations.evidence;
    services.push({
      name,
      ...common,
      kind: 'backend',
      framework: web.framework,
      ...(web.port ? { port: web.port.value } : {}),
      ...(web.health ? { healthPath: web.health.path } : {}),
      commands: { ...commands, ...(web.start ? { start: web.start.value } : {}) },
      ...(migrations ? { migrations: migrations.value } : {}),
      evidence: evidenceMap,
    } as DetectedService);
  }

  // Workers beside (or instead of) the web service.
  const worker = (suffix: string, framework: Framework, start: Found<string>, frameworkWhy: Evidence) => {
    const common = base();
    let serviceName = !web && suffix === 'worker' ? name : workerName(name, suffix);
    // Two queue workers in one folder keep apart by their tool (`jobs-arq`).
    if (services.some((service) => service.name === serviceName)) serviceName = workerName(name, `${suffix === 'worker' ? '' : `${suffix}-`}${start.value.split(' ')[0]}`);
    const missing = missingExecutable(start.value, deps);
    if (missing) notes.push(`${serviceName}: the start command runs ${missing}, which is not among the project's dependencies; add it`);
    services.push({
      name: serviceName,
      ...common,
      kind: 'worker',
      framework,
      commands: { ...commands, start: start.value },
      evidence: { ...common.evidence, framework: frameworkWhy, 'commands.start': start.evidence },
    } as DetectedService);
  };
  const launched = (role: Launch['role']) => {
    const launch = launches.find((candidate) => candidate.role === role && usable(candidate, copies, servicePath, Boolean(django)) !== undefined);
    return launch ? found(usable(launch, copies, servicePath, Boolean(django))!, launch.evidence) : undefined;
  };
  if (celery) {
    worker('worker', 'celery', launched('celery-worker') ?? found(`celery -A ${celery.target} worker --loglevel INFO`, celery.evidence), celery.evidence);
    const beatDependency = has(deps, 'django-celery-beat');
    const schedule = findBeatSchedule(index, [celery.file, ...djangoFiles, ...files]) ?? beatDependency?.evidence;
    const beatLaunch = launched('celery-beat');
    if (schedule || beatLaunch) {
      const databaseScheduler = beatDependency && !/CELERY_BEAT_SCHEDULER|beat_scheduler/.test(settingsTexts.join('\n')) ? ' --scheduler django_celery_beat.schedulers:DatabaseScheduler' : '';
      worker('beat', 'celery', beatLaunch ?? found(`celery -A ${celery.target} beat --loglevel INFO${databaseScheduler}`, schedule!), celery.evidence);
    }
  }
  if (rqDependency) {
    const start = launched('rq-worker') ?? found(rqDependency.name === 'django-rq' && django ? 'python manage.py rqworker' : 'rq worker', rqDependency.evidence);
    worker(celery ? 'rq-worker' : 'worker', 'none', start, rqDependency.evidence);
  }
  for (const queue of ['dramatiq', 'arq'] as const) {
    const dependency = has(runtimeDeps, queue);
    if (!dependency) continue;
    const launch = launches.find((candidate) => candidate.role === 'worker' && candidate.command.startsWith(queue));
    const start = launch ? found(relativiseCommand(launch.command, copies, servicePath), launch.evidence) : queueWorker(index, modules, candidates, queue);
    if (start) worker(celery || rqDependency ? queue : 'worker', 'none', start, dependency.evidence);
    else notes.push(`${name}: ${queue} is a dependency but nothing starts its worker; add a worker service with its start command`);
  }
  // Management commands the project runs as long-lived processes (`manage.py document_consumer`).
  if (django) {
    const seen = new Set<string>();
    for (const launch of launches.filter((candidate) => candidate.role === 'worker' && /manage\.py \w+/.test(candidate.command))) {
      const command = launch.command.match(/manage\.py (\w+)/)![1];
      if (seen.has(command)) continue;
      seen.add(command);
      const start = usable(launch, copies, servicePath, true);
      if (!start) continue;
      worker(command.replace(/_/g, '-'), 'django', found(start, launch.evidence), django.evidence);
    }
  }
  if (services.length === 0) return { notService: { path: folder, why: 'no web framework, worker or start command: a library or tooling' } };
  return { services };
};
