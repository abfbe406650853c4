/**
 * A front end's generated nginx configuration on the real nginx, exactly as generated: in a private network
 * namespace and private mounts (nginx-sandbox.mjs, run by `unshare`), nginx listens on the port the files
 * name and finds every file at the container path the Dockerfile copies it to. Nothing is rewritten; the
 * test reaches nginx through a Unix socket bridged to the namespace's loopback, and the /api back end is a
 * fake served by the test on another Unix socket, reached inside under the back end's compose name.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parse } from 'yaml';
import type { Service } from '../../lib/catalog/service.js';
import { buildContextOf, dockerfilePath } from '../../lib/plan/naming.js';
import type { Config } from '../../lib/plan/types.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { minimalEnvironment, requireTool } from '../helpers/tools.js';
import { execArguments, parseDockerfile } from './dockerfile-parse.js';

export interface SandboxSite {
  /** File contents by container path: under /etc/nginx/, or /docker-entrypoint.d/*.sh (run before nginx, in order). */
  files: Record<string, string>;
  /** The service's port: the test's requests go there (the report says which ports nginx really listens on). */
  port: number;
  /** The container's environment when the entrypoint scripts run (API_URL). */
  env?: Record<string, string>;
  /** The /api back end nginx should reach: its compose name resolves to ::1, where its port leads to `socket`. */
  backend?: { name: string; port: number; socket: string };
  /** The built application, by path under /usr/share/nginx/html. */
  html: Record<string, string>;
  /** Health commands in exec form (Dockerfile HEALTHCHECK, compose healthcheck) run inside once nginx listens. */
  commands?: string[][];
}

export interface SandboxReport {
  entrypoint: { status: number | null; output: string } | null;
  /** `nginx -t` */
  test: { status: number | null; output: string } | null;
  /** The TCP ports the nginx master process listens on. */
  listening: number[];
  commands: { argv: string[]; status: number | null; output: string }[];
  error: string | null;
  nginxOutput: string;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Sandbox {
  /** The host folder: <root>/tmp is the namespace's /tmp, <root>/stdout.log nginx's stdout (the access log). */
  root: string;
  report: SandboxReport;
  /** A raw HTTP GET to nginx's port inside (no automatic decompression: Content-Encoding is what nginx sent). */
  get: (urlPath: string, headers?: Record<string, string>) => Promise<Answer>;
  stop: () => Promise<void>;
}

const helper = path.join(import.meta.dirname, 'nginx-sandbox.mjs');

const placed = (containerPath: string): string => {
  for (const [prefix, folder] of [['/etc/nginx/', 'etc-nginx'], ['/docker-entrypoint.d/', 'docker-entrypoint.d']]) {
    if (containerPath.startsWith(prefix)) return path.join(folder, containerPath.slice(prefix.length));
  }
  throw new Error(`the sandbox has no place for ${containerPath}`);
};

export const startSandbox = async (site: SandboxSite): Promise<Sandbox> => {
  const root = tempDir('phase4-nginx-');
  const tools = { ip: requireTool('ip'), mount: requireTool('mount'), nginx: requireTool('nginx'), sh: requireTool('sh') };
  for (const [command] of site.commands ?? []) requireTool(command);
  mkdirSync(path.join(root, 'tmp'));
  mkdirSync(path.join(root, 'docker-entrypoint.d'));
  writeTree(root, {
    ...Object.fromEntries(Object.entries(site.files).map(([containerPath, contents]) => [placed(containerPath), contents])),
    ...Object.fromEntries(Object.entries(site.html).map(([file, contents]) => [path.join('html', file), contents])),
    hosts: `127.0.0.1 localhost\n::1 localhost\n${site.backend ? `::1 ${site.backend.name}\n` : ''}`,
    'job.json': JSON.stringify({
      root,
      tools,
      path: minimalEnvironment().PATH,
      port: site.port,
      env: site.env ?? {},
      backend: site.backend && { port: site.backend.port, socket: site.backend.socket },
      commands: site.commands ?? [],
    }),
  });
  // The image's mime.types is nginx's own; Debian ships the same file.
  copyFileSync('/etc/nginx/mime.types', path.join(root, 'etc-nginx', 'mime.types'));

  const child = spawn(requireTool('unshare'), ['--user', '--map-root-user', '--net', '--mount', '--', process.execPath, helper, path.join(root, 'job.json')], {
    env: minimalEnvironment(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const report = await new Promise<SandboxReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the nginx sandbox reported nothing within 30 s:\n${stderr}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // unshare itself failed: no user or network namespaces here. A failure, never a skip.
      reject(new Error(`the nginx sandbox exited (status ${code}) before reporting; \`unshare --user --map-root-user --net --mount\` must work here:\n${stderr}`));
    });
  });

  const socketPath = path.join(root, 'in.sock');
  const get = (urlPath: string, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const request = http.get({ socketPath, path: urlPath, headers: { Host: 'localhost', ...headers }, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      });
      request.on('error', reject);
      request.setTimeout(5000, () => request.destroy(new Error(`GET ${urlPath} timed out`)));
    });

  const stop = async () => {
    child.stdin.end();
    const killed = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killed);
  };
  return { root, report, get, stop };
};

/** A fake /api back end on a Unix socket: answers every request with JSON naming the URL, and records it. */
export const startFakeBackend = async () => {
  const socket = path.join(tempDir('phase4-backend-'), 'api.sock');
  const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ from: 'fake-api', url: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { socket, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

/** A front end's image as far as nginx is concerned, read from its rendered Dockerfile and compose.yaml. */
export interface FrontEndImage {
  source: string;
  service: Service;
  /** The first back end of the project: /api leads there. */
  backend?: Service;
  dockerfile: string;
  /** The service in compose.yaml as written (not resolved: ports keep their ${...} host part). */
  compose: { healthcheck?: { test: string[] }; ports?: string[] };
  /** The generated files the Dockerfile copies into /etc/nginx and /docker-entrypoint.d, by container path. */
  files: Record<string, string>;
  env: Record<string, string>;
  /** The HEALTHCHECK, then the compose healthcheck, in exec form. */
  commands: string[][];
}

/**
 * Reads the image of front end `service` from the rendered files (repository path -> contents): what its
 * Dockerfile's runtime stage copies into /etc/nginx and /docker-entrypoint.d, its ENV, its HEALTHCHECK and the
 * compose healthcheck (when compose.yaml was rendered), both in exec form without CMD.
 */
export const frontEndImage = (source: string, config: Config, service: Service, rendered: Map<string, string>): FrontEndImage => {
  const dockerfile = rendered.get(dockerfilePath(service));
  assert.ok(dockerfile, `${source}: no ${dockerfilePath(service)}`);
  const runtime = parseDockerfile(dockerfile).stages.at(-1)!;
  const files: Record<string, string> = {};
  for (const copy of runtime.instructions.filter((instruction) => instruction.keyword === 'COPY' && !instruction.flags.some((flag) => flag.name === 'from'))) {
    const [from, to] = copy.body.split(/\s+/);
    if (!/^\/(etc\/nginx|docker-entrypoint\.d)\//.test(to)) continue;
    const repositoryPath = path.posix.join(buildContextOf(service), from);
    const contents = rendered.get(repositoryPath);
    assert.ok(contents !== undefined, `${source}: the Dockerfile copies ${from}, which was not generated (${repositoryPath})`);
    files[to] = contents;
  }
  // ENV API_URL=... (quoted empty or a value), as the container starts.
  const env: Record<string, string> = {};
  for (const instruction of runtime.instructions.filter((candidate) => candidate.keyword === 'ENV')) {
    for (const match of instruction.body.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) env[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  const healthcheck = runtime.instructions.filter((instruction) => instruction.keyword === 'HEALTHCHECK').at(-1);
  const composeFile = rendered.get('compose.yaml');
  const compose = composeFile ? (parse(composeFile).services?.[service.name] ?? {}) : {};
  const commands = [execArguments(healthcheck?.body.replace(/^CMD\s+/, '') ?? '') ?? [], (compose.healthcheck?.test ?? []).slice(1)].filter(
    (argv) => argv.length > 0,
  );
  return { source, service, backend: config.services.find((candidate) => candidate.kind === 'backend'), dockerfile, compose, files, env, commands };
};

