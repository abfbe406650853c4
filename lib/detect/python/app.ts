/**
 * The application objects of a Python service: the FastAPI or Flask app (a module-level object or a
 * factory), the Django project (manage.py, its settings module, wsgi/asgi), the Celery app, and the queue
 * workers. Only likely entry files are read, never the whole tree.
 */
import { evidence, type Found, found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { folderOf, inFolder } from '../workspaces.js';
import { blockAt, Modules, readPython, stringValue } from './source.js';

/** Where a server finds the app: `app.main:app`, `conduit.app:create_app()`, `blog.asgi:application`. */
export interface AppObject {
  /** The file that defines it. */
  file: string;
  module: string;
  /** The variable (or factory function) name. */
  name: string;
  factory: boolean;
  /** The variable the framework object is bound to inside that file (`application` in a builder function). */
  local: string;
  evidence: Found<string>['evidence'];
}

export const target = (app: AppObject, style: 'call' | 'flag' = 'call'): string =>
  `${app.module}:${app.name}${app.factory && style === 'call' ? '()' : ''}`;

const entryNames = /^(main|app|application|server|api|asgi|wsgi|web|run|factory|__init__|core|service|autoapp|worker|tasks|celery|celery_app)\.py$/;

/**
 * The files that may define the service's app object: likely entry modules up to three folders down, then
 * any other module at that depth (at most a few hundred).
 */
export const entryCandidates = (files: readonly string[], folder: string): string[] => {
  const prefix = folder === '.' ? '' : `${folder}/`;
  const shallow = files.filter((file) => file.slice(prefix.length).split('/').length <= 4);
  const named = shallow.filter((file) => entryNames.test(file.slice(file.lastIndexOf('/') + 1)));
  const depthOf = (file: string) => file.split('/').length;
  const namedSet = new Set(named);
  const rest = shallow.filter((file) => !namedSet.has(file)).slice(0, 300);
  return [...named.sort((a, b) => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0)), ...rest];
};

/**
 * The object a framework constructor builds: `app = FastAPI(...)` at module level, or inside a builder
 * function whose result is bound at module level (`app = get_application()`), or a factory (`create_app`).
 */
export const findAppObject = (
  index: RepoIndex,
  modules: Modules,
  candidates: readonly string[],
  constructor: string,
): AppObject | undefined => {
  const construct = new RegExp(`^([ \\t]*)([A-Za-z_]\\w*)\\s*(?::\\s*[\\w.]+\\s*)?=\\s*(?:[\\w.]+\\.)?${constructor}\\(`, 'gm');
  const factories: { file: string; module: string; name: string; local: string; offset: number }[] = [];
  for (const file of candidates) {
    const text = readPython(index, file);
    if (!text || !text.includes(`${constructor}(`)) continue;
    const module = modules.moduleOf(file)?.module;
    if (!module) continue;
    for (const match of text.matchAll(construct)) {
      if (match[1] === '') {
        return { file, module, name: match[2], factory: false, local: match[2], evidence: evidence(file, `${match[2]} = ${constructor}(...)`, text, match.index) };
      }
      const def = [...text.slice(0, match.index).matchAll(/^def\s+([A-Za-z_]\w*)\s*\(/gm)].pop();
      if (def) factories.push({ file, module, name: def[1], local: match[2], offset: def.index! });
    }
  }
  for (const factory of factories) {
    // A module-level binding of the factory's result, in its own file or one that imports it.
    for (const file of candidates) {
      const text = readPython(index, file);
      if (!text || !text.includes(`${factory.name}(`)) continue;
      const bound = text.match(new RegExp(`^([A-Za-z_]\\w*)\\s*=\\s*${factory.name}\\(`, 'm'));
      if (!bound) continue;
      const module = modules.moduleOf(file)?.module;
      if (!module) continue;
      if (file !== factory.file && !modules.imports(file, text).has(factory.name)) continue;
      return {
        file: factory.file,
        module,
        name: bound[1],
        factory: false,
        local: factory.local,
        evidence: evidence(file, `${bound[1]} = ${factory.name}(...)`, text, bound.index),
      };
    }
  }
  const factory = factories[0];
  if (!factory) return undefined;
  const text = readPython(index, factory.file) ?? '';
  return {
    file: factory.file,
    module: factory.module,
    name: factory.name,
    factory: true,
    local: factory.local,
    evidence: evidence(factory.file, `app factory ${factory.name}() builds ${constructor}(...)`, text, factory.offset),
  };
};

export interface DjangoProject {
  /** The folder holding manage.py: where every command runs. */
  folder: string;
  manage: string;
  settingsModule: string;
  settingsFile?: string;
  /** The package holding settings, urls, wsgi and asgi (`blog`, `config`). */
  package: string;
  wsgi?: string;
  asgi?: string;
  evidence: Found<string>['evidence'];
}

/** manage.py in the manifest folder, its src/ or one folder down (a project kept beside its manifests). */
export const findDjango = (index: RepoIndex, folder: string, ownFolders: (candidate: string) => boolean): DjangoProject | undefined => {
  const direct = [inFolder(folder, 'manage.py'), inFolder(folder, 'src/manage.py')];
  const below = index
    .named('manage.py')
    .filter((file) => folderOf(folderOf(file)) === folder && ownFolders(folderOf(file)) && !/(^|\/)(tests?|docs|examples?)\//.test(file));
  const manage = [...direct, ...below].find((file) => index.has(file));
  if (!manage) return undefined;
  const text = index.read(manage) ?? '';
  const setting = text.match(/DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']/);
  const projectFolder = folderOf(manage);
  const settingsModule = setting?.[1] ?? guessSettings(index, projectFolder);
  if (!settingsModule) return undefined;
  const modules = new Modules(index, [projectFolder]);
  const parts = settingsModule.split('.');
  // config.settings.production -> config; blog.settings -> blog
  const packageName = parts.slice(0, parts.indexOf('settings') > 0 ? parts.indexOf('settings') : parts.length - 1).join('.') || parts[0];
  const wsgi = modules.file(`${packageName}.wsgi`);
  const asgi = modules.file(`${packageName}.asgi`);
  return {
    folder: projectFolder,
    manage,
    settingsModule,
    settingsFile: modules.file(settingsModule),
    package: packageName,
    ...(wsgi ? { wsgi } : {}),
    ...(asgi ? { asgi } : {}),
    evidence: evidence(manage, `DJANGO_SETTINGS_MODULE ${settingsModule}`, text, setting?.index ?? 0),
  };
};

const guessSettings = (index: RepoIndex, folder: string): string | undefined => {
  const settings = index.filesUnder(folder).find((file) => /^[A-Za-z_]\w*\/settings(\.py|\/__init__\.py)$/.test(file.slice(folder === '.' ? 0 : folder.length + 1)));
  return settings ? settings.slice(folder === '.' ? 0 : folder.length + 1).replace(/(\/__init__)?\.py$/, '').replace(/\//g, '.') : undefined;
};

/** The Celery app: its file, the `-A` target (`proj` for proj/celery.py) and whether it schedules tasks. */
export interface CeleryApp {
  file: string;
  target: string;
  evidence: Found<string>['evidence'];
}

export const findCelery = (index: RepoIndex, modules: Modules, candidates: readonly string[]): CeleryApp | undefined => {
  const ordered = [...candidates].sort((a, b) => Number(!/celery|worker|tasks/.test(a)) - Number(!/celery|worker|tasks/.test(b)));
  for (const file of ordered) {
    const text = readPython(index, file);
    if (!text || !text.includes('Celery(')) continue;
    const match = text.match(/^([A-Za-z_]\w*)\s*=\s*(?:celery\.)?Celery\(/m);
    if (!match) continue;
    const own = modules.moduleOf(file);
    if (!own) continue;
    const name = match[1];
    // `celery -A proj` finds proj.celery:app (and proj.app / proj.celery); other modules need the attribute.
    const parts = own.module.split('.');
    const appTarget =
      parts[parts.length - 1] === 'celery' && ['app', 'celery'].includes(name)
        ? parts.slice(0, -1).join('.') || own.module
        : ['app', 'celery'].includes(name)
          ? own.module
          : `${own.module}:${name}`;
    return { file, target: appTarget, evidence: evidence(file, `${name} = Celery(...)`, text, match.index) };
  }
  return undefined;
};

/** Periodic tasks: a beat schedule in code or settings, or django-celery-beat's database scheduler. */
export const findBeatSchedule = (index: RepoIndex, files: readonly string[]): Found<string>['evidence'] | undefined => {
  for (const file of files) {
    const text = readPython(index, file);
    const match = text?.match(/\bbeat_schedule\b|\bCELERY_BEAT_SCHEDULE\b|\bCELERYBEAT_SCHEDULE\b|\badd_periodic_task\(/);
    if (text && match) return evidence(file, `${match[0]}`, text, match.index);
  }
  return undefined;
};

/** The string value of a module-level or class-level `NAME = "..."` in a file. */
export const assignedString = (text: string, name: string): { value: string; offset: number } | undefined => {
  const match = text.match(new RegExp(`^\\s*${name}\\s*=\\s*([rRbBuU]?["'][^\\n]*)$`, 'm'));
  const value = stringValue(match?.[1]);
  return match && value !== undefined ? { value, offset: match.index! } : undefined;
};

export { blockAt };
