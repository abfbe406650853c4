/**
 * Every Dockerfile of the matrix (each language x package manager x framework, workspace-root builds,
 * workers, front ends with and without a back end): linted by dockerfile-utils with warnings as failures,
 * checked structurally, and its shell (RUN bodies, the nginx entrypoint script) run through shellcheck.
 * No image is built: there is no Docker engine on the machines these tests run on.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { runtimeUsers } from '../../lib/model/images.js';
import { allImageRefs, allImages } from '../../lib/versions/index.js';
import { requireTool, runTool } from '../helpers/tools.js';
import { repoRoot } from '../helpers/paths.js';
import { dockerfileUtilsFindings } from '../validation/validators/dockerfile.js';
import { ancestry, execArguments, type Instruction, type Stage } from './dockerfile-parse.js';
import { renderConfig, renderMatrix, type RenderedImage } from './rendered.js';
import { matrixConfigs } from './matrix.js';

const run = promisify(execFile);
const { root, images: services } = renderMatrix();
const pinnedImages = new Set(allImageRefs());

/** Runs `task` over `items` with at most `limit` at a time. */
const inParallel = async <T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

const installKeywords = /\b(npm ci|pnpm install|yarn install|yarn workspaces focus|bun install|uv sync|pip install|go mod download|dependency:go-offline)\b|--no-daemon dependencies\b/;
/**
 * A dependency install. Installs of the project itself (`pip install .`, uv's sync of the project after the
 * sources) and of a tool (`pip install 'uv==...'`) need no lockfile before them.
 */
const isInstall = (instruction: Instruction) =>
  instruction.keyword === 'RUN' &&
  installKeywords.test(instruction.body) &&
  !/\bpip install \.$/.test(instruction.body) &&
  !/pip install '(uv|poetry|pdm|pipenv)/.test(instruction.body) &&
  !/uv sync --no-dev --no-editable|uv sync(?! --no-dev --no-install)/.test(instruction.body);
/** COPY sources that are dependency manifests, lockfiles or build tool settings, not application source. */
const manifestSource =
  /^(package\.json|package-lock\.json|pnpm-lock\.yaml|yarn\.lock|bun\.lockb?|Pipfile|Pipfile\.lock|pdm\.lock|uv\.tom\[l\]|bunfig\.tom\[l\]|prism\[a\]|\.mvn|\.npmr\[c\]|\.yarnr\[c\]|\.yarnrc\.ym\[l\]|pnpm-workspace\.yam\[l\]|\.pnpmfile\.cj\[s\]|\.yarn\/\w+\[\w\]|requirements\*\.txt|requirement\[s\]|pyproject\.toml|poetry\.lock|uv\.lock|go\.mod|go\.sum\*|pom\.xml|mvnw|\.mv\[n\]|build\.gradle\*|settings\.gradle\*|gradle\.properties\*|gradl\[e\]|buildSr\[c\]|gradlew|patche\[s\])$/;
/** The same names, in the build context's root or any folder of it. */
const inAnyFolder = (pattern: RegExp) => new RegExp(`^(?:[\\w.@-]+/)*?(?:${pattern.source.slice(1, -1)})$`);
const copySources = (copy: Instruction) => copy.body.split(/\s+/).slice(0, -1);
const fromStage = (copy: Instruction) => copy.flags.find((flag) => flag.name === 'from')?.value;
/** Stages whose output is only manifests or a hash-pinned lock export. */
const manifestStages = new Set(['manifests', 'lock']);

const finalStage = (rendered: RenderedImage): Stage => rendered.dockerfile.parsed.stages.at(-1)!;
const last = (stage: Stage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);

describe('generated Dockerfiles', () => {
  test('the matrix covers every family, workspace builds and workers', () => {
    const names = services.map(({ service }) => service.name);
    assert.ok(services.length >= 80, `only ${services.length} images`);
    for (const expected of ['node-npm-express', 'node-pnpm-react', 'node-yarn-angular', 'node-bun-hono', 'node-pnpm-next', 'python-uv-django', 'python-pdm-flask', 'python-pipenv-fastapi', 'python-poetry-none', 'go-go-echo', 'go-go-chi', 'java-gradle-spring-boot', 'static-none-static', 'ws-pnpm-api', 'ws-bun-web', 'berry-web', 'uv-member', 'shared-web', 'no-health-route', 'go-cmd-api']) {
      assert.ok(names.includes(expected), `${expected} is missing from the matrix`);
    }
  });

  /** dockerfile-utils' findings (errors and warnings) for one file; it lints one file per run. */
  const lint = async (file: string): Promise<string[]> => {
    const result = await run(requireTool('dockerfile-utils'), ['lint', '--json', file], { maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ status: 0 as number | null, stdout, stderr }),
      // A non-zero exit (errors found, or a failure), a signal, or a spawn error.
      (error: { code?: number | string; stdout?: string; stderr?: string; message?: string }) => ({
        status: typeof error.code === 'number' ? error.code : null,
        stdout: error.stdout ?? '',
        stderr: error.stderr || String(error.message),
      }),
    );
    return dockerfileUtilsFindings(path.relative(root, file), { ...result, output: `${result.stdout}\n${result.stderr}`.trim() });
  };

  test('dockerfile-utils reports warnings, so a clean result means something', async () => {
    const broken = path.join(root, 'broken.Dockerfile');
    writeFileSync(broken, 'FROM node AS base\nCMD ["a"]\nCMD ["b"]\nHEALTHCHECK --interval=3 CMD ["true"]\n');
    const findings = await lint(broken);
    assert.ok(findings.some((finding) => finding.includes('warning')), findings.join('\n'));
    assert.ok(findings.some((finding) => finding.includes('error')), findings.join('\n'));
  });

  test('dockerfile-utils finds no error and no warning', async () => {
    const findings = await inParallel(services, 4, (rendered) => lint(rendered.dockerfile.file));
    assert.deepEqual(findings.flat(), []);
  });

  for (const rendered of services) {
    const { service } = rendered;
    const { parsed, text, path: file } = rendered.dockerfile;
    const runtime = finalStage(rendered);

    describe(file, () => {
      test('starts with a pinned # syntax directive', () => {
        assert.match(text.split('\n')[0], /^# syntax=docker\/dockerfile:\d+(\.\d+)*$/);
        assert.equal(parsed.directives.syntax, `${allImages()['dockerfile-syntax'].image}:${allImages()['dockerfile-syntax'].tag}`);
      });

      test('every FROM is an earlier stage or a pinned image from versions.json', () => {
        const names = new Set<string>();
        for (const stage of parsed.stages) {
          assert.ok(!/:latest$|@latest$/.test(stage.base), `${stage.base} uses latest`);
          if (!names.has(stage.base)) {
            assert.ok(pinnedImages.has(stage.base), `FROM ${stage.base} is not an earlier stage nor an image pinned in versions.json`);
            assert.match(stage.base, /:[\w][\w.-]*$|@sha256:[0-9a-f]{64}$/);
          }
          if (stage.name) names.add(stage.name);
        }
      });

      test('has a test stage before the runtime stage, which is last', () => {
        const test = parsed.stages.find((stage) => stage.name === 'test');
        assert.ok(test, 'no stage named test');
        assert.equal(runtime.name, 'runtime');
        assert.ok(test.index < runtime.index);
      });

      test('the runtime runs as a numeric non-root user, in exec form', () => {
        const user = last(runtime, 'USER');
        assert.ok(user, 'no USER in the runtime stage');
        const [uid, gid] = user.body.split(':');
        assert.match(uid, /^\d+$/);
        assert.notEqual(Number(uid), 0);
        if (gid !== undefined) assert.match(gid, /^\d+$/);
        assert.ok(
          Object.values(runtimeUsers).some((known) => known.uid === Number(uid)),
          `USER ${user.body} is none of the documented runtime users`,
        );
        const start = last(runtime, 'CMD') ?? last(runtime, 'ENTRYPOINT');
        assert.ok(start, 'no CMD or ENTRYPOINT');
        assert.ok(execArguments(start.body), `${start.keyword} ${start.body} is not in exec form`);
        assert.ok(!/\bnpm\b|\byarn\b|\bpnpm\b/.test(start.body), 'the process is started through a package manager');
      });

      test(service.kind === 'worker' ? 'a worker has no EXPOSE and no HEALTHCHECK' : 'EXPOSEs the service port and has a HEALTHCHECK', () => {
        const exposes = runtime.instructions.filter((instruction) => instruction.keyword === 'EXPOSE').map((instruction) => instruction.body);
        const health = last(runtime, 'HEALTHCHECK');
        if (service.kind === 'worker') {
          assert.deepEqual(exposes, []);
          assert.equal(health, undefined);
          return;
        }
        assert.deepEqual(exposes, [String(service.port)]);
        assert.ok(health, 'no HEALTHCHECK');
        const command = execArguments(health.body.replace(/^CMD\s+/, ''));
        assert.ok(command, 'the HEALTHCHECK is not an exec-form CMD');
        const probed = service.health.kind === 'http' ? `127.0.0.1:${service.port}${service.health.path}` : String(service.port);
        assert.ok(command.some((arg) => arg.includes(probed)), `the health check does not probe ${probed}`);
        if (service.source.healthPath === undefined && !service.servedByNginx) {
          assert.ok(!command.some((arg) => /\/healthz/.test(arg)), 'a service without a health route is probed on a guessed path');
        }
        assert.ok(!command.includes('curl'), 'curl is in none of the runtime images');
        for (const flag of ['interval', 'timeout', 'start-period', 'retries']) {
          assert.ok(health.flags.some((option) => option.name === flag), `HEALTHCHECK without --${flag}`);
        }
      });

      test('carries the OCI labels from the build arguments CI passes', () => {
        const labels = runtime.instructions.filter((instruction) => instruction.keyword === 'LABEL').map((label) => label.body).join(' ');
        for (const [key, arg] of [['source', 'SOURCE'], ['version', 'VERSION'], ['revision', 'REVISION'], ['created', 'CREATED']]) {
          assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}="\\$\\{${arg}\\}"`));
          assert.ok(runtime.instructions.some((instruction) => instruction.keyword === 'ARG' && instruction.body === arg), `no ARG ${arg}`);
        }
        assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.title="${rendered.image.owner}"`));
      });

      test('installs from lockfiles with cache mounts, before any source is copied', () => {
        const installs = parsed.stages.flatMap((stage) => stage.instructions.filter(isInstall).map((install) => ({ stage, install })));
        if (service.language === 'static') {
          assert.deepEqual(installs, []);
          return;
        }
        assert.ok(installs.length > 0, 'no dependency install');
        for (const { stage, install } of installs) {
          assert.ok(
            install.flags.some((flag) => flag.name === 'mount' && flag.value.startsWith('type=cache,')),
            `line ${install.line}: install without a cache mount`,
          );
          assert.doesNotMatch(
            install.body,
            /\bnpm install\b(?! --global)|\byarn install\b(?!.*(--frozen-lockfile|--immutable))|\bpnpm install\b(?!.*--frozen-lockfile)|\bbun install\b(?!.*--frozen-lockfile)/,
            `line ${install.line}: not a lockfile install`,
          );
          // Within the stage chain up to the install, only manifests may have been copied.
          for (const earlier of ancestry(parsed, stage).reverse()) {
            for (const copy of earlier.instructions.filter((instruction) => instruction.keyword === 'COPY')) {
              if (earlier === stage && copy.line > install.line) continue;
              const from = fromStage(copy);
              // A front end built inside the image has its own stages (<name>-manifests) and folder (web/package.json).
              const ok = from ? manifestStages.has(from.replace(/^.+-(?=manifests$)/, '')) : copySources(copy).every((source) => inAnyFolder(manifestSource).test(source));
              assert.ok(ok, `line ${copy.line}: COPY ${copy.body} comes before the install on line ${install.line}`);
            }
          }
        }
        assert.ok(
          parsed.stages.some((stage) => stage.instructions.some((instruction) => instruction.keyword === 'COPY' && /^\.\s/.test(instruction.body))),
          'the sources are never copied',
        );
      });

      test('hash-pinned installs only from exported lockfiles; secrets only through secret mounts', () => {
        for (const instruction of parsed.instructions) {
          if (/--require-hashes/.test(instruction.body)) assert.match(instruction.body, /-r requirements\.lock$/);
          if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
            assert.doesNotMatch(instruction.body, /TOKEN|PASSWORD|SECRET|NPM_AUTH|_KEY=/i, `line ${instruction.line}: a secret in ${instruction.keyword}`);
          }
          for (const flag of instruction.flags.filter((option) => option.name === 'mount' && option.value.startsWith('type=secret'))) {
            assert.match(flag.value, /,required=false$/, 'a build secret that is not optional');
          }
        }
        assert.doesNotMatch(text, /\blatest\b|TODO|FIXME|CHANGEME|example\.com/);
      });

      if (rendered.image.family === 'node' || rendered.image.family === 'bun') {
        test('JavaScript runs the app directly with NODE_ENV=production and production dependencies only', () => {
          const env = runtime.instructions.filter((instruction) => instruction.keyword === 'ENV').map((instruction) => instruction.body).join(' ');
          assert.match(env, /NODE_ENV=production/);
          assert.deepEqual(execArguments(last(runtime, 'CMD')!.body), service.start);
          const standalone = service.framework === 'next';
          const prod = parsed.stages.find((stage) => stage.name === 'prod-deps');
          if (!standalone) assert.ok(prod?.instructions.some((instruction) => isInstall(instruction) && /--omit=dev|--prod\b|--production/.test(instruction.body)));
          if (rendered.image.folderInContext !== '.') {
            assert.ok(parsed.stages.some((stage) => stage.name === 'manifests'), 'a workspace build without the manifests stage');
          }
        });
      }

      test('the runtime runs the start command of the stack model, in the service folder', () => {
        assert.deepEqual(execArguments((last(runtime, 'CMD') ?? last(runtime, 'ENTRYPOINT'))!.body), service.start);
      });

      if (rendered.model.services.some((candidate) => rendered.image.services.includes(candidate.name) && candidate.migrations?.target === 'migrate')) {
        test('a migrate target runs the migrations as the runtime user', () => {
          const migrate = parsed.stages.find((stage) => stage.name === 'migrate');
          assert.ok(migrate, 'no migrate stage');
          const migration = rendered.model.services.find((candidate) => rendered.image.services.includes(candidate.name) && candidate.migrations)!.migrations!;
          assert.deepEqual(execArguments(last(migrate, 'CMD')!.body), migration.argv);
          assert.equal(last(migrate, 'USER')?.body, `${rendered.image.user.uid}:${rendered.image.user.gid}`);
        });
      }
    });
  }

  test('shellcheck finds nothing in the entrypoint scripts and the RUN bodies', () => {
    const scripts = path.join(root, 'shell');
    mkdirSync(scripts, { recursive: true });
    const files: string[] = [];
    for (const rendered of services) {
      for (const [file, planned] of rendered.files) {
        if (file.endsWith('.sh')) {
          const target = path.join(scripts, `${rendered.config.name}-${file.replace(/\//g, '_')}`);
          writeFileSync(target, planned.contents);
          files.push(target);
        }
      }
      for (const instruction of rendered.dockerfile.parsed.instructions) {
        if (instruction.keyword !== 'RUN' || execArguments(instruction.body)) continue;
        const target = path.join(scripts, `${rendered.config.name}-${rendered.image.owner}-Dockerfile-${instruction.line}.sh`);
        // The build arguments a RUN may read are declared by ARG instructions, which shellcheck cannot see.
        writeFileSync(target, `#!/bin/sh\n# shellcheck disable=SC2154\n${instruction.body}\n`);
        files.push(target);
      }
    }
    assert.ok(files.some((file) => file.endsWith('40-runtime-config.sh')), 'no entrypoint script was checked');
    const result = runTool('shellcheck', ['-S', 'warning', '-s', 'sh', '-f', 'gcc', ...files]);
    assert.equal(result.status, 0, result.output);
  });

  test('rendering twice gives identical bytes', () => {
    for (const config of matrixConfigs()) {
      const first = renderConfig(config).map((file) => [file.path, file.contents]);
      const second = renderConfig(config).map((file) => [file.path, file.contents]);
      assert.deepEqual(second, first);
    }
  });

  test('the docker templates spell no version: every image and tool version comes from versions.json', () => {
    const templates = path.join(repoRoot, 'templates', 'docker');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
      );
    for (const file of walk(templates)) {
      const textOf = readFileSync(file, 'utf8');
      assert.doesNotMatch(textOf, /\b[a-z][\w./-]*:\d+(\.\d+)+[\w.-]*/, `${file} names an image version`);
      assert.doesNotMatch(textOf, /@\d+\.\d+|==\d+\.\d+|\bgo 1\.\d+/, `${file} pins a tool version`);
      assert.doesNotMatch(textOf, /dockerfile:\d/, `${file} pins the Dockerfile syntax itself`);
    }
  });
});
