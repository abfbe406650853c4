/**
 * How the project itself starts its processes: Dockerfile CMD/ENTRYPOINT, Procfile entries, start and
 * entrypoint scripts, s6/systemd/supervisor service files, gunicorn and uWSGI configuration. Commands are
 * read, never run, and normalised: wrappers (`poetry run`, `uv run`, `exec`, `s6-setuidgid user`,
 * `dotenv run --`) and absolute paths to executables are dropped, paths inside the image are made relative
 * to the service folder.
 */
import path from 'node:path';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { folderOf, inFolder } from '../workspaces.js';
import { readPython } from './source.js';
import { relativePath } from '../../repo-paths.js';

export type LaunchRole = 'web' | 'celery-worker' | 'celery-beat' | 'rq-worker' | 'worker' | 'migrate' | 'other';

export interface Launch {
  command: string;
  role: LaunchRole;
  /** Procfile process name (`web`, `worker`) or script name. */
  label?: string;
  evidence: Evidence;
}

const webServers = /^(gunicorn|uvicorn|daphne|hypercorn|granian|uwsgi|waitress-serve|fastapi run|python3? -m (gunicorn|uvicorn|hypercorn|granian|waitress|fastapi run))\b/;

export const roleOf = (command: string): LaunchRole => {
  if (/^(python3? )?(\S*\/)?manage\.py migrate\b|^alembic( -c \S+)? upgrade\b|^flask( --app \S+)? db upgrade\b/.test(command)) return 'migrate';
  if (/^(python3? -m )?celery\b.*\bbeat\b/.test(command)) return 'celery-beat';
  if (/^(python3? -m )?celery\b.*\bworker\b/.test(command)) return 'celery-worker';
  if (/^rq worker\b|^(python3? )?(\S*\/)?manage\.py rqworker\b/.test(command)) return 'rq-worker';
  if (/^(dramatiq|arq)\b/.test(command)) return 'worker';
  if (webServers.test(command)) return 'web';
  if (/^(python3? )?(\S*\/)?manage\.py (runserver|collectstatic|check|compilemessages|createsuperuser|shell|test|compress)\b/.test(command)) return 'other';
  if (/^(python3? )?(\S*\/)?manage\.py \w+/.test(command)) return 'worker';
  return 'other';
};

/** A command as it would run from the service folder, without wrappers. */
export const normaliseCommand = (raw: string): string => {
  let command = raw.trim().replace(/\s+/g, ' ').replace(/^(["'])(.*)\1$/, '$2');
  for (let changed = true; changed; ) {
    const before = command;
    command = command
      .replace(/^exec /, '')
      .replace(/^s6-setuidgid \S+ /, '')
      .replace(/^s6-setlock (-\w+ )*\S+ /, '')
      .replace(/^(gosu|su-exec|chpst -u) \S+ /, '')
      .replace(/^(poetry|uv|pipenv|pdm|hatch|rye) run (--\S+ )*/, '')
      .replace(/^dotenv (run )?(-\S+ \S+ )*--? ?/, '')
      .replace(/^env (-\S+ )*/, '')
      .replace(/^([A-Z_][A-Z0-9_]*=\S* )+/, '')
      .replace(/^(\/[^\s/]+)+\/(?=(gunicorn|uvicorn|celery|daphne|hypercorn|granian|uwsgi|python3?|rq|dramatiq|arq|alembic|flask|fastapi)\b)/, '');
    changed = before !== command;
  }
  // Quotes around a single word are the shell's, not the program's: "paperless.asgi:application".
  // A fragment cut out of `sh -c '...'` keeps an unbalanced quote at an end.
  for (const quote of ['"', "'"]) {
    if ((command.split(quote).length - 1) % 2 === 1) command = command.replace(new RegExp(`^${quote}|${quote}$`), '');
  }
  command = command.replace(/(^|\s)"([^"\s$`]+)"(?=\s|$)/g, '$1$2');
  return command.trim();
};

/** Splits a shell line into the commands chained with `&&` or `;`. */
const chained = (line: string): string[] => line.split(/\s*(?:&&|;)\s*/).filter(Boolean);

/** Procfile entries: `web: gunicorn app:app`, `worker: celery -A proj worker`, `release: ...`. */
const procfileLaunches = (index: RepoIndex, file: string): Launch[] => {
  const text = index.read(file);
  if (!text) return [];
  const launches: Launch[] = [];
  text.split('\n').forEach((line, lineIndex) => {
    const entry = line.match(/^([\w-]+):\s*(.+)$/);
    if (!entry) return;
    for (const part of chained(entry[2])) {
      const command = normaliseCommand(part);
      const role = entry[1] === 'release' && roleOf(command) !== 'migrate' ? 'other' : roleOf(command);
      launches.push({ command, role: entry[1] === 'web' && role === 'other' ? 'web' : role, label: entry[1], evidence: { file, line: lineIndex + 1, note: `Procfile ${entry[1]}: ${part.trim()}` } });
    }
  });
  return launches;
};

interface DockerfileFacts {
  launches: Launch[];
  /** Absolute folders of the image that hold the build context (`COPY . /app`), mapped to repository folders. */
  copies: [string, string][];
  workdir?: string;
}

/** The folder a Dockerfile is built from: its own, or the parent of a docker/ folder. */
const dockerContext = (file: string): string => {
  const folder = folderOf(file);
  return /(^|\/)(docker|\.docker|deploy|build)$/.test(folder) ? folderOf(folder) : folder;
};

/** Logical lines of a Dockerfile or shell script: `\` continuations joined, each with the line it starts on. */
const logicalLines = (text: string): { text: string; line: number }[] => {
  const lines: { text: string; line: number }[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, position) => {
    const physical = raw.replace(/\r$/, '');
    if (pending === '') startLine = position + 1;
    else if (/^\s*#/.test(physical)) return;
    if (physical.endsWith('\\')) pending += `${physical.slice(0, -1)} `;
    else {
      lines.push({ text: pending + physical, line: startLine });
      pending = '';
    }
  });
  if (pending) lines.push({ text: pending, line: startLine });
  return lines;
};

const dockerfileFacts = (index: RepoIndex, file: string): DockerfileFacts | undefined => {
  const text = index.read(file);
  if (!text) return undefined;
  const context = dockerContext(file);
  const lines = logicalLines(text);
  let workdir: string | undefined;
  const copies: [string, string][] = [];
  let cmd: { value: string; line: number } | undefined;
  let entrypoint: { value: string; line: number } | undefined;
  for (const { text: line, line: lineNumber } of lines) {
    const instruction = line.trim().match(/^(\w+)\s+(.*)$/);
    if (!instruction) continue;
    const [, keyword, rest] = instruction;
    switch (keyword.toUpperCase()) {
      // Only the last stage runs: start again at every FROM.
      case 'FROM':
        cmd = undefined;
        entrypoint = undefined;
        workdir = undefined;
        break;
      case 'WORKDIR':
        workdir = path.posix.resolve(workdir ?? '/', rest.trim().replace(/\/$/, ''));
        break;
      case 'COPY':
      case 'ADD': {
        if (/--from=/.test(rest)) break;
        const parts = rest.split(/\s+/).filter((part) => !part.startsWith('--'));
        const destination = parts[parts.length - 1];
        for (const source of parts.slice(0, -1)) {
          const absolute = path.posix.resolve(workdir ?? '/', destination);
          const repoFolder = source === '.' || source === './' ? context : inFolder(context, source.replace(/\/$/, ''));
          if (index.isFolder(repoFolder)) copies.push([absolute.replace(/\/$/, ''), repoFolder]);
        }
        break;
      }
      case 'CMD':
        cmd = { value: rest, line: lineNumber };
        break;
      case 'ENTRYPOINT':
        entrypoint = { value: rest, line: lineNumber };
        break;
      default:
        break;
    }
  }
  const words = (value: string): string => {
    try {
      const parsed = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map((word) => (/\s/.test(String(word)) ? `"${word}"` : String(word))).join(' ');
    } catch {
      // shell form
    }
    return value;
  };
  const launches: Launch[] = [];
  const entry = entrypoint ? words(entrypoint.value) : '';
  const isScript = /(^|\/)[\w.-]*(entrypoint|start|run)[\w.-]*(\.sh)?$|^(tini|dumb-init)\b/.test(entry.split(' ')[0] ?? '') || /^(tini|dumb-init|\/usr\/bin\/tini)/.test(entry);
  const command = cmd ? words(cmd.value) : '';
  const full = entry && !isScript ? `${entry} ${command}`.trim() : command || entry;
  const where = cmd ?? entrypoint;
  if (full && where) {
    const shell = full.match(/^(?:\/bin\/)?(?:ba)?sh -c (.+)$/);
    for (const part of chained(shell ? shell[1].replace(/^["']|["']$/g, '') : full)) {
      const normalised = normaliseCommand(part);
      launches.push({ command: normalised, role: roleOf(normalised), evidence: { file, line: where.line, note: `${cmd ? 'CMD' : 'ENTRYPOINT'} ${part.trim()}` } });
    }
  }
  return { launches, copies, ...(workdir ? { workdir } : {}) };
};

/** Lines of shell scripts and service files that start a known process. */
const scriptLaunches = (index: RepoIndex, file: string): Launch[] => {
  const text = index.read(file);
  if (!text) return [];
  const launches: Launch[] = [];
  for (const { text: raw, line: lineNumber } of logicalLines(text)) {
    let line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    line = line.replace(/^(ExecStart|command)\s*=\s*/, '').replace(/^attach-daemon\s*=\s*/, '').replace(/^hook-pre-app\s*=\s*exec:/, '');
    for (const part of chained(line)) {
      const command = normaliseCommand(part);
      const role = roleOf(command);
      // uWSGI placeholders (%(_)) are optional daemons; init and setup scripts run once, not as workers.
      if (role === 'other' || /%\(/.test(command) || (role === 'worker' && oneOff.test(file))) continue;
      launches.push({ command, role, evidence: { file, line: lineNumber, note: part.trim().slice(0, 120) } });
    }
  }
  return launches;
};

const oneOff = /(^|\/|-)(init|setup|prestart|pre-start|bootstrap|install|upgrade|management_script)[\w-]*(\/|\.sh$|$)/i;

const scriptName = /(^|\/)(start|run|entrypoint|docker-entrypoint|prestart|boot|serve|server|web|worker|beat|launch)[\w.-]*(\.sh)?$|\.service$|supervisord?\.conf$|uwsgi\.ini$/;

export interface LaunchSources {
  launches: Launch[];
  /** Where the image keeps the repository (`/opt/app` -> `.`), from the Dockerfiles read. */
  copies: [string, string][];
}

/**
 * Every launch the project declares for the service at `servicePath` (manifest in `manifestFolder`):
 * Dockerfile and Procfile entries in those folders or at the root, and scripts in their scripts/, bin/,
 * docker/, deploy/ and contrib/ folders (a bounded set of small files).
 */
export const projectLaunches = (index: RepoIndex, servicePath: string, manifestFolder: string, rootIsOwn: boolean): LaunchSources => {
  // The repository root's Dockerfile and Procfile are this service's only when no other project owns the root.
  const folders = [...new Set([servicePath, manifestFolder, ...(rootIsOwn ? ['.'] : [])])];
  const launches: Launch[] = [];
  const copies: [string, string][] = [];
  for (const folder of folders) {
    for (const name of ['Dockerfile', 'docker/Dockerfile', 'Dockerfile.prod', 'docker/Dockerfile.prod']) {
      const facts = dockerfileFacts(index, inFolder(folder, name));
      if (!facts) continue;
      copies.push(...facts.copies);
      const workdir = facts.workdir;
      const mapped = workdir ? mapImagePath(workdir, facts.copies) : undefined;
      // A Dockerfile whose last WORKDIR is another service's folder does not start this one.
      if (mapped !== undefined && mapped !== servicePath && !facts.copies.some(([, repo]) => repo === servicePath)) continue;
      launches.push(...facts.launches);
    }
    launches.push(...procfileLaunches(index, inFolder(folder, 'Procfile')));
  }
  const scriptFolders = folders.flatMap((folder) => ['', 'docker', 'deploy', 'scripts', 'bin', 'contrib', 'compose'].map((sub) => (sub ? inFolder(folder, sub) : folder)));
  const scripts = new Set<string>();
  for (const folder of scriptFolders) {
    const files = folder === servicePath || folder === manifestFolder || folder === '.' ? index.filesUnder(folder).filter((file) => folderOf(file) === folder) : index.filesUnder(folder);
    for (const file of files.slice(0, 400)) if (scriptName.test(file) && !file.endsWith('.py')) scripts.add(file);
  }
  for (const file of [...scripts].slice(0, 60)) launches.push(...scriptLaunches(index, file));
  return { launches, copies };
};

/** An absolute image path as a repository folder, through the Dockerfile's `COPY . /app` lines. */
export const mapImagePath = (absolute: string, copies: readonly [string, string][]): string | undefined => {
  for (const [image, repo] of copies) {
    if (absolute === image) return repo;
    if (absolute.startsWith(`${image}/`)) return inFolder(repo, absolute.slice(image.length + 1));
  }
  return undefined;
};

/** Absolute paths in a command that point into the image's copy of the repository, made relative. */
export const relativiseCommand = (command: string, copies: readonly [string, string][], servicePath: string): string =>
  command.replace(/(^|[\s=])(\/[\w./-]+)/g, (all, before: string, absolute: string) => {
    const repo = mapImagePath(absolute.replace(/\/$/, ''), copies);
    if (repo === undefined) return all;
    const relative = relativePath(servicePath, repo);
    return `${before}${relative}`;
  });

const asPort = (value: string | undefined): number | undefined => {
  const port = Number(value);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
};

/** The port a server command binds: `--port 8000`, `--bind 0.0.0.0:8000`, `-b :8000`, `--http :8000`, `-p 8000`. */
export const portInCommand = (command: string): number | undefined => {
  const patterns = [
    /(?:^|\s)--port[=\s]+(\d{2,5})\b/,
    /(?:^|\s)(?:--bind|-b|--listen|--http|--http-socket|--socket)[=\s]+["']?[\w.*[\]:-]*:(\d{2,5})\b/,
    /(?:^|\s)-p\s+(\d{2,5})\b/,
  ];
  for (const pattern of patterns) {
    const port = asPort(command.match(pattern)?.[1]);
    if (port) return port;
  }
  return undefined;
};

/** gunicorn configuration files: `gunicorn.conf.py` (read by default from the working folder) and others. */
export const gunicornConfigs = (index: RepoIndex, folders: readonly string[]): string[] => {
  const names = ['gunicorn.conf.py', 'gunicorn_conf.py', 'gunicorn.config.py', 'gunicorn_config.py', 'gunicorn.py', 'config/gunicorn.py', 'conf/gunicorn.py', 'contrib/gunicorn.py', 'deploy/gunicorn.py', 'docker/gunicorn.conf.py', 'docker/gunicorn.py'];
  return [...new Set(folders)].flatMap((folder) => names.map((name) => inFolder(folder, name))).filter((file) => index.has(file));
};

export interface GunicornConfig {
  file: string;
  port?: number;
  workerClass?: string;
  portEvidence?: Evidence;
}

export const readGunicornConfig = (index: RepoIndex, file: string): GunicornConfig => {
  const text = readPython(index, file) ?? '';
  const bind = text.match(/^bind\s*=\s*\[?\s*(?:os\.(?:environ\.get|getenv)\([^,]+,\s*)?["']([^"']*)["']/m);
  const port = asPort(bind?.[1].match(/:(\d+)$/)?.[1]);
  const workerClass = text.match(/^worker_class\s*=\s*["']([^"']+)["']/m)?.[1];
  return { file, ...(port ? { port, portEvidence: evidence(file, `bind = ${bind![1]}`, text, bind!.index) } : {}), ...(workerClass ? { workerClass } : {}) };
};

/** A uWSGI ini: its http socket port and module. */
export const readUwsgiIni = (index: RepoIndex, file: string): { port?: number; module?: string; evidence?: Evidence } => {
  const text = index.read(file) ?? '';
  const socket = text.match(/^(?:http|http-socket)\s*=\s*[\w.[\]:]*:(\d+)/m);
  const module = text.match(/^(?:module|wsgi-file)\s*=\s*(\S+)/m)?.[1];
  const port = asPort(socket?.[1]);
  return { ...(port ? { port, evidence: evidence(file, socket![0], text, socket!.index) } : {}), ...(module ? { module } : {}) };
};
