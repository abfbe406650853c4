/**
 * Every front end's nginx configuration that the validation matrix (test/validation/generate.ts) and the
 * docker test matrix (test/docker/matrix.ts) generate, run by the real nginx exactly as generated (see
 * nginx-sandbox.ts: a private network namespace, so the port is the one the files name), with each file at
 * the container path the service's Dockerfile copies it to. For each configuration: the entrypoint scripts
 * and `nginx -t` pass; nginx listens on the service's port and on no other; the Dockerfile's HEALTHCHECK and
 * the compose healthcheck, run as they are, succeed against it; the health path, the application and /api
 * (proxied to the first back end under its compose name and port, or absent without one) answer. Identical
 * configurations (same files, port, environment, back end and health commands) run once.
 * Without nginx, EXPOSE, HEALTHCHECK, compose's healthcheck and published port must name the service's port.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isStaticFrontend } from '../../lib/catalog/service.js';
import type { Config } from '../../lib/plan/types.js';
import type { RenderedFile } from '../../lib/render/render.js';
import { render as renderCompose } from '../compose/support.js';
import { generateMatrix } from '../validation/generate.js';
import { parseDockerfile } from './dockerfile-parse.js';
import { matrixConfigs } from './matrix.js';
import { frontEndImage, startFakeBackend, startSandbox, type FrontEndImage, type SandboxSite } from './nginx-sandbox.js';
import { renderConfig } from './rendered.js';

const marker = '<div id="phase4-app"></div>';
const html = { 'index.html': `<!doctype html>\n<html><body>${marker}</body></html>\n`, 'assets/app.3f2a1b.js': 'export {};\n' };

const sitesOf = (label: string, config: Config, rendered: RenderedFile[]): FrontEndImage[] => {
  const byPath = new Map(rendered.map((file) => [file.path, file.contents]));
  // A front end another service serves has no nginx of its own.
  return config.services.filter((service) => isStaticFrontend(service) && service.servedBy === undefined).map((service) => frontEndImage(`${label}/${service.name}`, config, service, byPath));
};

const sites: FrontEndImage[] = [
  ...generateMatrix().cases.flatMap((matrixCase) => sitesOf(`validation ${matrixCase.label}`, matrixCase.config, matrixCase.files)),
  ...matrixConfigs().flatMap((config) => sitesOf(`docker ${config.name}`, config, [...renderConfig(config), ...renderCompose(config)])),
];

/** What nginx's behaviour depends on; sites with the same key are run once. */
const keyOf = (site: FrontEndImage) =>
  createHash('sha256')
    .update(JSON.stringify([site.files, site.service.port, site.service.healthPath, site.env, site.backend && [site.backend.name, site.backend.port], site.commands]))
    .digest('hex');
const distinct = new Map<string, FrontEndImage[]>();
for (const site of sites) distinct.set(keyOf(site), [...(distinct.get(keyOf(site)) ?? []), site]);

describe('every generated front end: ports agree', () => {
  test('both matrices have front ends, with and without a back end, on more than one port', () => {
    assert.ok(sites.some((site) => site.source.startsWith('validation ')) && sites.some((site) => site.source.startsWith('docker ')));
    assert.ok(sites.some((site) => site.backend) && sites.some((site) => !site.backend), 'front ends with and without a back end');
    assert.ok(new Set(sites.map((site) => site.service.port)).size > 1, 'every front end on one port: a constant port would pass');
    for (const site of sites) assert.ok(Object.keys(site.files).length >= 4, `${site.source}: ${Object.keys(site.files).join(', ')}`);
  });

  test("EXPOSE, HEALTHCHECK, compose's healthcheck and published port name the service's port and health path", () => {
    const problems: string[] = [];
    for (const { source, service, dockerfile, compose, commands } of sites) {
      const url = `http://127.0.0.1:${service.port}${service.healthPath}`;
      const runtime = parseDockerfile(dockerfile).stages.at(-1)!;
      const exposed = runtime.instructions.filter((instruction) => instruction.keyword === 'EXPOSE').map((instruction) => instruction.body);
      if (JSON.stringify(exposed) !== JSON.stringify([String(service.port)])) problems.push(`${source}: EXPOSE ${exposed.join(', ')}`);
      if (!commands[0]?.includes(url)) problems.push(`${source}: HEALTHCHECK ${JSON.stringify(commands[0])} does not probe ${url}`);
      if (!compose.healthcheck?.test.includes(url)) problems.push(`${source}: compose healthcheck ${JSON.stringify(compose.healthcheck?.test)} does not probe ${url}`);
      const targets = (compose.ports ?? []).map((port) => port.split(':').at(-1));
      if (JSON.stringify(targets) !== JSON.stringify([String(service.port)])) problems.push(`${source}: compose publishes ${JSON.stringify(compose.ports)}`);
    }
    assert.deepEqual(problems, []);
  });
});

describe('every generated nginx configuration on the real nginx, as generated', { concurrency: 4 }, () => {
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  before(async () => {
    backend = await startFakeBackend();
  });
  after(() => backend?.close());

  test(`${distinct.size} distinct configurations from ${sites.length} front ends`, () => {
    assert.ok(distinct.size > 1 && sites.length >= distinct.size);
  });

  for (const group of distinct.values()) {
    const [site] = group;
    const { service } = site;
    const name = `${site.source}${group.length > 1 ? ` (and ${group.length - 1} identical)` : ''}`;
    test(name, { timeout: 60_000 }, async () => {
      const sandboxSite: SandboxSite = {
        files: site.files,
        port: service.port!,
        env: site.env,
        backend: site.backend && { name: site.backend.name, port: site.backend.port!, socket: backend.socket },
        html,
        commands: site.commands,
      };
      const sandbox = await startSandbox(sandboxSite);
      try {
        const { report } = sandbox;
        const context = `\n${report.error ?? ''}\n${report.nginxOutput}`;
        assert.equal(report.entrypoint?.status, 0, `entrypoint scripts: ${report.entrypoint?.output}${context}`);
        assert.equal(report.test?.status, 0, `nginx -t: ${report.test?.output}${context}`);
        assert.equal(report.error, null, context);
        assert.deepEqual(report.listening, [service.port], `nginx listens on ${report.listening.join(', ')}, the service on ${service.port}`);
        assert.equal(report.commands.length, 2, 'the HEALTHCHECK and the compose healthcheck');
        for (const command of report.commands) assert.equal(command.status, 0, `${command.argv.join(' ')}: ${command.output}`);
        const health = await sandbox.get(service.healthPath ?? "/healthz");
        assert.equal(health.status, 200, `GET ${service.healthPath}`);
        for (const urlPath of ['/', '/orders/42']) {
          const page = await sandbox.get(urlPath);
          assert.equal(page.status, 200, urlPath);
          assert.ok(page.body.toString().includes(marker), `${urlPath}: not the application's index.html`);
        }
        const api = await sandbox.get('/api/phase4-probe?x=1');
        if (site.backend) {
          assert.equal(api.status, 200, `/api/ through ${site.backend.name}:${site.backend.port}: ${api.body.toString()}`);
          assert.deepEqual(JSON.parse(api.body.toString()), { from: 'fake-api', url: '/api/phase4-probe?x=1' });
        } else {
          assert.ok(api.body.toString().includes(marker), 'without a back end, /api/ is a client-side route like any other');
        }
      } finally {
        await sandbox.stop();
      }
    });
  }
});
