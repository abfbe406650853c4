/**
 * What each container runs: the project's own start command in exec form, made to listen on all
 * interfaces at the service's port (servers that default to 127.0.0.1 would be unreachable in a
 * container), or the framework's production server when the project names none.
 */
import type { Service } from '../catalog/service.js';
import { hasVariable, parseCommand, withPort } from './shell-words.js';
import type { ImageModel } from './types.js';

export interface StartCommand {
  argv: string[];
  environment: { name: string; value: string }[];
  guessed: boolean;
}

const flagIndex = (argv: string[], flags: string[]): number =>
  argv.findIndex((word) => flags.some((flag) => word === flag || word.startsWith(`${flag}=`)));

/** Sets `--host 0.0.0.0` and `--port N` style flags unless the command already sets them. */
const ensureFlags = (argv: string[], host: [string[], string] | undefined, port: [string[], string] | undefined): string[] => {
  const result = [...argv];
  if (host && flagIndex(result, host[0]) === -1) result.push(host[0][0], host[1]);
  if (port && flagIndex(result, port[0]) === -1) result.push(port[0][0], port[1]);
  return result;
};

/** Gunicorn and Hypercorn bind `HOST:PORT`: make the host all interfaces, keep or set the port. */
const ensureBind = (argv: string[], port: number): string[] => {
  const result = [...argv];
  const at = flagIndex(result, ['-b', '--bind']);
  if (at === -1) return [...result, '--bind', `0.0.0.0:${port}`];
  const inline = result[at].includes('=');
  const value = inline ? result[at].slice(result[at].indexOf('=') + 1) : (result[at + 1] ?? '');
  if (value.startsWith('unix:')) return result;
  const bound = `0.0.0.0:${value.includes(':') ? value.slice(value.lastIndexOf(':') + 1) : port}`;
  if (inline) result[at] = `${result[at].slice(0, result[at].indexOf('='))}=${bound}`;
  else result[at + 1] = bound;
  return result;
};

/** The program a command runs, past `python -m`: `python -m uvicorn app:app` runs uvicorn. */
const programOf = (argv: string[]): { program: string; at: number } => {
  const at = /^python3?$/.test(argv[0] ?? '') && argv[1] === '-m' ? 2 : 0;
  return { program: (argv[at] ?? '').split('/').pop() ?? '', at };
};

/** Tools that resolve an environment at run time, and the flags of theirs that take a value. */
const environmentLaunchers = ['uv', 'poetry', 'pdm', 'pipenv'];
const launcherFlagsWithValue = new Set(['--package', '--with', '--python', '-p', '--env-file', '--directory', '--project', '--group', '--extra']);

/**
 * In the image the virtual environment is on PATH, so `uv run`, `poetry run` and their kind are not needed:
 * dropping them keeps the server PID 1 (it receives SIGTERM) and the image free of the tool.
 */
const withoutLaunchers = (argv: string[]): string[] => {
  let rest = argv;
  while (environmentLaunchers.includes(rest[0]) && rest[1] === 'run') {
    rest = rest.slice(2);
    while (rest[0]?.startsWith('-')) rest = rest.slice(launcherFlagsWithValue.has(rest[0]) ? 2 : 1);
  }
  return rest;
};

const listenOnAllInterfaces = (argv: string[], port: number | undefined): string[] => {
  if (port === undefined) return argv;
  const { program, at } = programOf(argv);
  const head = argv.slice(0, at + 1);
  const tail = argv.slice(at + 1);
  const portText = String(port);
  switch (program) {
    case 'uvicorn':
    case 'granian':
      return [...head, ...ensureFlags(tail, [['--host'], '0.0.0.0'], [['--port'], portText])];
    case 'gunicorn':
    case 'hypercorn':
      return [...head, ...ensureBind(tail, port)];
    case 'daphne':
      return [...head, ...ensureFlags(tail, [['-b', '--bind'], '0.0.0.0'], [['-p', '--port'], portText])];
    case 'fastapi':
      // `fastapi run` listens on 0.0.0.0:8000 unless told otherwise.
      return [...head, ...ensureFlags(tail, undefined, [['--port'], portText])];
    case 'flask':
      return [...head, ...ensureFlags(tail, [['--host', '-h'], '0.0.0.0'], [['--port', '-p'], portText])];
    case 'next':
    case 'nuxt':
      return [...head, ...ensureFlags(tail, undefined, [['-p', '--port'], portText])];
    default:
      return argv;
  }
};

/** The framework's production server, for a project that names no start command. */
const conventionalStart = (service: Service): string[] => {
  const port = String(service.port ?? 8000);
  switch (service.framework) {
    case 'fastapi':
      return ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', port];
    case 'django':
      return ['gunicorn', `${service.name.replace(/-/g, '_')}.wsgi:application`, '--bind', `0.0.0.0:${port}`];
    case 'flask':
      return ['gunicorn', 'app:app', '--bind', `0.0.0.0:${port}`];
    case 'celery':
      return ['celery', '-A', 'app', 'worker', '--loglevel', 'INFO'];
    case 'next':
      return ['next', 'start', '-p', port];
    case 'nuxt':
      return ['node', '.output/server/index.mjs'];
    case 'sveltekit':
      return ['node', 'build'];
    default:
      if (service.language === 'python') return ['python', '-m', service.kind === 'worker' ? 'worker' : 'main'];
      // `node .` runs the package's "main" (index.js when it names none).
      return ['node', '.'];
  }
};

/** Next.js standalone output: a self-contained server.js that reads PORT and HOSTNAME. */
export const isNextStandalone = (service: Service): boolean =>
  service.framework === 'next' && /(^|\/)\.next\/standalone$/.test(service.buildOutput ?? '');

export const startOf = (service: Service, image: ImageModel): StartCommand => {
  const port = service.kind === 'worker' ? undefined : service.port;
  switch (image.family) {
    case 'nginx':
      return { argv: ['nginx', '-g', 'daemon off;'], environment: [], guessed: false };
    case 'go': {
      const args = service.commands.start ? parseCommand(service.commands.start).argv.map((word) => withPort(word, port)) : [];
      return { argv: ['/app/server', ...args], environment: [], guessed: false };
    }
    case 'java': {
      const args = service.commands.start ? parseCommand(service.commands.start).argv.map((word) => withPort(word, port)) : [];
      return { argv: ['java', '-jar', 'app.jar', ...args], environment: [], guessed: false };
    }
    default:
      break;
  }
  if (isNextStandalone(service)) {
    return {
      argv: ['node', 'server.js'],
      environment: [
        // Docker sets HOSTNAME to the container id; server.js would listen on that name only.
        { name: 'HOSTNAME', value: '0.0.0.0' },
      ],
      guessed: false,
    };
  }
  if (!service.commands.start) return { argv: conventionalStart(service), environment: [], guessed: true };
  const parsed = parseCommand(service.commands.start);
  const argv = parsed.argv.map((word) => withPort(word, port));
  if (parsed.needsShell || argv.some(hasVariable)) {
    // Shell syntax or variables: a shell runs it, and `exec` hands PID 1 to the program where it can.
    const command = service.commands.start.replace(/\$\{PORT(?::?-[^}]*)?\}|\$PORT\b/g, String(port ?? ''));
    return { argv: ['sh', '-c', /[;&|]/.test(command) ? command : `exec ${command}`], environment: parsed.assignments, guessed: false };
  }
  return { argv: listenOnAllInterfaces(withoutLaunchers(argv), port), environment: parsed.assignments, guessed: false };
};
