/**
 * Runs inside `unshare --user --map-root-user --net --mount` (see nginx-sandbox.ts): a private network with
 * its own loopback and private mounts, so the generated nginx configuration runs exactly as generated, on
 * the port it names and with the container paths it names:
 *   <root>/etc-nginx -> /etc/nginx, <root>/html -> /usr/share/nginx/html, <root>/tmp -> /tmp,
 *   <root>/hosts -> /etc/hosts (the back end's compose name resolves to ::1 here).
 * It runs the <root>/docker-entrypoint.d scripts (as the image does before nginx), `nginx -t`, then nginx, reads from /proc
 * the ports the nginx master listens on, runs the health commands inside the namespace, and bridges:
 *   <root>/in.sock (outside) -> 127.0.0.1:<port> (inside), for the test's requests;
 *   [::1]:<backend port> (inside) -> <backend socket> (outside), the test's fake back end.
 * It prints one JSON line (the report) when nginx is up or has failed, then waits for stdin to close, stops
 * nginx and exits. Plain JavaScript: it starts once per configuration, without a TypeScript loader.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { root, tools } = job;
const report = { entrypoint: null, test: null, listening: [], commands: [], error: null, nginxOutput: '' };
const finish = () => process.stdout.write(`${JSON.stringify(report)}\n`);

const run = (file, args, options = {}) => {
  const result = spawnSync(file, args, { encoding: 'utf8', env: { PATH: job.path }, ...options });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim() };
};

const must = (what, result) => {
  if (result.status !== 0) throw new Error(`${what} failed (exit status ${result.status}): ${result.output}`);
};

/** The TCP ports the process `pid` listens on: its socket inodes matched against this namespace's tables. */
const listeningPorts = (pid) => {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
      if (match) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDRESS:PORT in hex; state 0A is LISTEN; field 9 is the inode.
      if (fields.length > 9 && fields[3] === '0A' && inodes.has(fields[9])) ports.add(parseInt(fields[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
};

/** A server whose every connection is piped to a new connection to `to`. */
const bridge = (to) =>
  net.createServer((inbound) => {
    const outbound = net.connect(to);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let nginx;
const servers = [];
try {
  must('ip link set lo up', run(tools.ip, ['link', 'set', 'lo', 'up']));
  // Read everything that lives under /tmp before /tmp is replaced.
  const entrypoints = readdirSync(path.join(root, 'docker-entrypoint.d'))
    .sort()
    .map((name) => ({ name, script: readFileSync(path.join(root, 'docker-entrypoint.d', name), 'utf8') }));
  const stdout = openSync(path.join(root, 'stdout.log'), 'a');
  // The bridges' host ends live under the host's /tmp too: the inbound socket is bound now, and the back end's
  // folder stays reachable through an open descriptor.
  const inbound = bridge({ host: '127.0.0.1', port: job.port });
  servers.push(inbound);
  await new Promise((resolve, reject) => inbound.once('error', reject).listen(path.join(root, 'in.sock'), resolve));
  const backendSocket = job.backend && `/proc/self/fd/${openSync(path.dirname(job.backend.socket), 'r')}/${path.basename(job.backend.socket)}`;
  for (const [source, target] of [['etc-nginx', '/etc/nginx'], ['html', '/usr/share/nginx/html'], ['hosts', '/etc/hosts'], ['tmp', '/tmp']]) {
    must(`mount --bind ${target}`, run(tools.mount, ['--bind', path.join(root, source), target]));
  }

  // As the nginx image's entrypoint does: each /docker-entrypoint.d/*.sh in order, and a failure stops the start.
  report.entrypoint = { status: 0, output: '' };
  for (const { name, script } of entrypoints) {
    const result = run(tools.sh, ['-s'], { input: script, env: { PATH: job.path, ...job.env } });
    report.entrypoint = { status: result.status, output: `${report.entrypoint.output}${name}: ${result.output}\n` };
    if (result.status !== 0) break;
  }
  // The image runs nginx as its own user; here the namespace's root is the only user there is.
  const args = ['-e', 'stderr', '-c', '/etc/nginx/nginx.conf'];
  report.test = run(tools.nginx, [...args, '-g', 'user root;', '-t'], { stdio: ['ignore', stdout, 'pipe'] });
  if (report.entrypoint.status === 0 && report.test.status === 0) {
    if (job.backend) {
      const backend = bridge({ path: backendSocket });
      servers.push(backend);
      await new Promise((resolve, reject) => backend.once('error', reject).listen({ port: job.backend.port, host: '::1', ipv6Only: true }, resolve));
    }
    nginx = spawn(tools.nginx, [...args, '-g', 'daemon off; user root;'], { stdio: ['ignore', stdout, 'pipe'] });
    nginx.stderr.on('data', (chunk) => (report.nginxOutput += chunk.toString()));
    for (const deadline = Date.now() + 5000; Date.now() < deadline && nginx.exitCode === null; await sleep(25)) {
      report.listening = listeningPorts(nginx.pid);
      if (report.listening.length > 0) break;
    }
    if (report.listening.length === 0) throw new Error(`nginx listens on no port (exit status ${nginx.exitCode})`);
    // The master opens its sockets one after another: read again once all of them are surely there.
    await sleep(100);
    report.listening = listeningPorts(nginx.pid);
    report.commands = await Promise.all(
      job.commands.map(
        (argv) =>
          new Promise((resolve) =>
            execFile(argv[0], argv.slice(1), { timeout: 10_000, env: { PATH: job.path } }, (error, out, err) =>
              resolve({ argv, status: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${out}${err}`.trim() }),
            ),
          ),
      ),
    );
  }
  closeSync(stdout);
} catch (error) {
  report.error = String(error?.stack ?? error);
}
finish();

// Until the test is done with its requests.
process.stdin.resume();
await new Promise((resolve) => process.stdin.on('end', resolve).on('close', resolve));
for (const server of servers) server.close();
if (nginx && nginx.exitCode === null) {
  const exited = new Promise((resolve) => nginx.once('exit', resolve));
  nginx.kill('SIGTERM');
  await Promise.race([exited, sleep(3000)]);
  if (nginx.exitCode === null) nginx.kill('SIGKILL');
}
process.exit(0);
