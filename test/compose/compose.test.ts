/**
 * The compose area over the option matrix (test/compose/cases.ts), checked by the real consumers: Compose v2
 * (`config`), the Compose Specification schema (ajv), yamllint, shellcheck on the secrets script (and running
 * it), markdownlint on the guide, secretlint on everything; plus structural rules on compose's own resolved
 * model: network isolation, healthchecks and ordering, 127.0.0.1-only ports, secrets as files, pinned images,
 * hardened app containers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { composeArea } from '../../lib/areas/compose/index.js';
import { dockerArea } from '../../lib/areas/docker/index.js';
import type { Service } from '../../lib/catalog/service.js';
import { derive } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { buildContextOf, dockerfilePath, imageRepository } from '../../lib/plan/naming.js';
import { renderAll } from '../../lib/render/render.js';
import { imageRef } from '../../lib/versions/index.js';
import { tempDir } from '../helpers/folders.js';
import { repoRoot } from '../helpers/paths.js';
import { minimalEnvironment, requireTool, runTool, withExported } from '../helpers/tools.js';
import { ancestry, parseDockerfile } from '../docker/dockerfile-parse.js';
import { cases, type ComposeCase } from './cases.js';
import { compose, dependencyFilesOf, readYaml, render, resolved, writeRepository } from './support.js';

const schemaFile = path.join(path.dirname(new URL(import.meta.url).pathname), 'schemas', 'compose-spec.json');
const loadSchema = () => {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  delete schema.$schema; // https://json-schema.org/draft-07/schema is unknown to Ajv; the schema is plain draft-07
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
};
const validateCompose = loadSchema();

const yamllintConfig = '{extends: default, rules: {line-length: disable, document-start: disable, truthy: {check-keys: false}}}';
const yamllintShortLines = '{extends: default, rules: {line-length: {max: 160}, document-start: disable, truthy: {check-keys: false}}}';

const root = tempDir('phase4-compose-');
const dirOf = (composeCase: ComposeCase) => path.join(root, composeCase.id);

/** Runs a POSIX script as users do (`sh scripts/dev-secrets.sh`), from another folder to prove it finds its own. */
const runSecretsScript = (dir: string, env: Record<string, string> = {}) => {
  const result = spawnSync('sh', [path.join(dir, 'scripts', 'dev-secrets.sh')], {
    cwd: root,
    encoding: 'utf8',
    env: minimalEnvironment(env),
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
};

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

/** Services that run their sources as they are: live reload copies files into them instead of rebuilding. */
const runsSources = (service: Service) =>
  service.kind !== 'frontend' && (service.language === 'python' || (service.language === 'node' && !service.commands.build));

/**
 * Where the image holds the service's folder, read from the Dockerfile the docker area renders: the
 * runtime stage's working folder, where it runs the service.
 */
const imageFolderOf = (config: ComposeCase['config'], service: Service): string => {
  const file = renderAll(dockerArea.plan(derive(config), { otherFiles: [] })).find((candidate) => candidate.path === dockerfilePath(service));
  assert.ok(file, `the docker area renders ${dockerfilePath(service)}`);
  const dockerfile = parseDockerfile(file.contents);
  const runtime = dockerfile.stages[dockerfile.stages.length - 1];
  let workdir = '/';
  for (const stage of ancestry(dockerfile, runtime).reverse()) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, instruction.body);
    }
  }
  return workdir;
};

/** Expected rules, written out by hand for the services whose layout differs most. */
const expectedWatch: Record<string, Record<string, { sync?: [string, string]; rebuild: string[] }>> = {
  'workspace-postgres-redis': {
    web: { rebuild: ['./apps/web', './package.json', './package-lock.json'] },
    api: { sync: ['./apps/api', '/app/apps/api'], rebuild: ['./apps/api/package.json', './package.json', './package-lock.json'] },
    reports: { sync: ['./services/reports', '/app'], rebuild: ['./services/reports/requirements.txt'] },
  },
  'go-at-root-mysql': { ledger: { rebuild: ['.'] } },
  'python-workers-redis-only': {
    blog: { sync: ['./blog', '/app'], rebuild: ['./blog/pyproject.toml', './blog/poetry.lock'] },
    mailer: { rebuild: ['./mailer'] },
  },
  'colliding-ports-and-names': {
    api: {
      sync: ['./apps/api', '/app/apps/api'],
      rebuild: ['./apps/api/package.json', './package.json', './pnpm-lock.yaml', './pnpm-workspace.yaml'],
    },
    admin: { rebuild: ['./apps/admin', './package.json', './pnpm-lock.yaml', './pnpm-workspace.yaml'] },
  },
  'nested-context-mongodb': {
    catalog: { sync: ['./services/catalog', '/app/catalog'], rebuild: ['./services/pyproject.toml', './services/catalog/pyproject.toml', './services/uv.lock'] },
    'admin-ui': { rebuild: ['./services/admin-ui'] },
  },
  'front-ends-built-into-services': {
    api: { sync: ['./backend', '/app/backend'], rebuild: ['./pyproject.toml', './backend/pyproject.toml', './uv.lock', './package.json', './bun.lock', './frontend'] },
    feeds: { rebuild: ['./feeds'] },
  },
  'own-folders-no-data': {
    notes: { sync: ['./notes', '/app'], rebuild: ['./notes/package.json', './notes/package-lock.json'] },
    feed: { sync: ['./workers/feed', '/app'], rebuild: ['./workers/feed/package.json', './workers/feed/yarn.lock'] },
    ml: { sync: ['./ml', '/app'], rebuild: ['./ml/requirements/base.txt', './ml/requirements/dev.txt'] },
    scorer: { sync: ['./scorer', '/app'], rebuild: ['./scorer/pyproject.toml'] },
  },
};

before(() => {
  for (const composeCase of cases) {
    mkdirSync(dirOf(composeCase));
    writeRepository(dirOf(composeCase), composeCase.config, render(composeCase.config));
    // As users do before the first start: the settings files compose requires come from the script.
    if (existsSync(path.join(dirOf(composeCase), 'scripts', 'dev-secrets.sh'))) {
      const result = runSecretsScript(dirOf(composeCase));
      assert.equal(result.status, 0, result.output);
    }
  }
});

for (const composeCase of cases) {
  const { config } = composeCase;
  const dir = () => dirOf(composeCase);
  const stack: StackModel = derive(config);
  const storeNames = stack.datastores.map((store) => store.host);
  // Front ends another service serves are built into its image: no container of their own.
  const deployed = config.services.filter((service) => service.servedBy === undefined);
  const appNames = deployed.map((service) => service.name);
  const frontEndsOf = (host: Service) => config.services.filter((service) => service.servedBy === host.name);
  const holds = (folder: string, file: string) => folder === '.' || file === folder || file.startsWith(`${folder}/`);
  /** The manifests of the front ends built into `host` that lie outside their own folders (a workspace root's). */
  const frontEndFiles = (host: Service) => frontEndsOf(host).flatMap((frontEnd) => dependencyFilesOf(frontEnd).filter((file) => !holds(frontEnd.path, file)));
  const migrateNames = stack.services.filter((service) => service.migrations?.separate).map((service) => `${service.name}-migrate`);
  const serviceModel = (name: string) => stack.services.find((service) => service.name === name)!;
  const secretNames = [...stack.datastores.flatMap((store) => store.secrets.map((secret) => secret.name))];
  const hasSecrets = stack.services.some((service) => service.settings.some((setting) => setting.secret)) || storeNames.length > 0;
  const hasOverride = true;
  const baseFiles = ['compose.yaml'];
  const allFiles = hasOverride ? ['compose.yaml', 'compose.override.yaml'] : baseFiles;

  describe(`compose: ${composeCase.id}`, () => {
    test('plans compose.yaml, .env.example and the guide; the override and the secrets only when they have content', () => {
      const paths = render(config).map((file) => file.path);
      const expected = [
        '.env.example',
        ...(hasOverride ? ['compose.override.yaml'] : []),
        'compose.yaml',
        'docs/local-development.md',
        ...(hasSecrets ? ['scripts/dev-secrets.sh', 'secrets/.gitignore'] : []),
      ];
      assert.deepEqual(paths, expected);
      assert.ok(render(config).every((file) => file.ownership === 'managed' && file.area === 'compose'));
    });

    test('next steps name the secrets script only when there are secrets', () => {
      const steps = composeArea.nextSteps?.(stack) ?? [];
      assert.equal(steps.some((step) => step.includes('sh scripts/dev-secrets.sh')), hasSecrets);
      assert.ok(steps.some((step) => step.includes('docker compose up --build')));
    });

    test('rendering is deterministic: the same answers give the same bytes', () => {
      assert.deepEqual(render(config), render(config));
    });

    if (hasSecrets) {
      test('scripts/dev-secrets.sh creates each secret once: random, private folder, never overwritten', () => {
        const fresh = tempDir('phase4-compose-secrets-');
        writeRepository(fresh, config, render(config));
        const secretsDir = path.join(fresh, 'secrets');
        const declared = Object.keys(readYaml(dir(), 'compose.yaml').secrets ?? {});
        assert.deepEqual(declared, secretNames);
        const first = runSecretsScript(fresh);
        const created = [...first.output.matchAll(/^created secrets\/(.+)\.txt$/gm)].map((match) => match[1]);
        assert.ok(declared.every((name) => created.includes(name)), `every data store secret is created:\n${first.output}`);
        assert.equal(first.status, 0, first.output);
        const values = new Map<string, string>();
        for (const name of created) {
          const file = path.join(secretsDir, `${name}.txt`);
          assert.ok(existsSync(file), `${name}.txt was not created:\n${first.output}`);
          const value = readFileSync(file, 'utf8');
          assert.match(value, /^[0-9a-f]{64}$/, `${name}.txt holds 32 random bytes in hex, no newline`);
          // 644 so the containers' unprivileged users can read the bind-mounted file; the folder keeps others out.
          assert.equal(modeOf(file), '644', `${name}.txt mode`);
          values.set(name, value);
        }
        assert.equal(modeOf(secretsDir), '700', 'secrets/ is private to its owner');
        assert.equal(new Set(values.values()).size, values.size, 'every secret gets its own value');
        assert.ok(existsSync(path.join(secretsDir, '.gitignore')), 'the generated .gitignore is left in place');

        const envFiles = readdirSync(secretsDir).filter((file) => file.endsWith('.env')).sort();
        const second = runSecretsScript(fresh);
        assert.equal(second.status, 0, second.output);
        assert.doesNotMatch(second.output, /created/);
        for (const [name, value] of values) assert.equal(readFileSync(path.join(secretsDir, `${name}.txt`), 'utf8'), value);
        for (const file of envFiles) assert.equal(modeOf(path.join(secretsDir, file)), '644', `${file} mode`);
      });

      test("each service's settings file holds exactly its secret settings, wired to the secret files", () => {
        const secretsDir = path.join(dir(), 'secrets');
        const secretOf = (name: string) => readFileSync(path.join(secretsDir, `${name}.txt`), 'utf8');
        for (const service of stack.services) {
          const secret = service.settings.filter((setting) => setting.secret);
          const file = path.join(secretsDir, `${service.name}.env`);
          if (secret.length === 0) {
            assert.ok(!existsSync(file), `${service.name} has no secret setting, so no settings file`);
            continue;
          }
          const lines = Object.fromEntries(
            readFileSync(file, 'utf8')
              .trim()
              .split('\n')
              .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
          );
          assert.deepEqual(Object.keys(lines).sort(), secret.map((setting) => setting.name).sort(), `${service.name}.env names`);
          for (const setting of secret) {
            const value = lines[setting.name];
            if (setting.value.kind === 'datastore') {
              const store = stack.datastores.find((candidate) => candidate.engine.engine === (setting.value as { engine: string }).engine)!;
              assert.ok(value.includes(secretOf(store.secrets[0].name)), `${service.name}: ${setting.name} carries ${store.secrets[0].name}`);
              if (setting.value.part === 'url') assert.ok(value.includes(`@${store.host}:${store.engine.port}`), `${service.name}: ${setting.name}=${value}`);
            } else {
              assert.match(value, /^[0-9a-f]{64}$/, `${service.name}: ${setting.name} is random`);
            }
          }
        }
        // A secret the web service and its worker both read has one value.
        const web = path.join(secretsDir, 'web.env');
        if (existsSync(web) && existsSync(path.join(secretsDir, 'web-worker.env'))) {
          const key = (file: string) => readFileSync(file, 'utf8').match(/^DJANGO_SECRET_KEY=(.*)$/m)?.[1];
          assert.equal(key(web), key(path.join(secretsDir, 'web-worker.env')));
        }
      });

      test('git ignores everything in secrets/ except its .gitignore', () => {
        const repo = tempDir('phase4-compose-git-');
        for (const file of ['secrets/.gitignore']) {
          mkdirSync(path.join(repo, path.dirname(file)), { recursive: true });
          copyFileSync(path.join(dir(), file), path.join(repo, file));
        }
        writeFileSync(path.join(repo, 'secrets', 'any.txt'), 'x');
        writeFileSync(path.join(repo, 'secrets', 'api.env'), 'x');
        const git = (args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: minimalEnvironment() });
        assert.equal(git(['init', '--quiet']).status, 0);
        const status = git(['status', '--porcelain', '--untracked-files=all']);
        assert.equal(status.stdout.trim(), '?? secrets/.gitignore');
      });
    }

    test('Compose v2 accepts the base file alone and merged with the override, with and without .env', () => {
      assert.ok(!existsSync(path.join(dir(), '.env')));
      const combinations = hasOverride ? [baseFiles, allFiles] : [baseFiles];
      const withoutEnv = combinations.map((files) => {
        const result = compose(dir(), files, ['config', '--quiet']);
        assert.equal(result.status, 0, `${files.join(' + ')}:\n${result.output}`);
        assert.equal(result.output, '', `${files.join(' + ')} printed warnings:\n${result.output}`);
        return resolved(dir(), files);
      });
      // As a user would: start from the committed example. Its values are compose's own defaults.
      copyFileSync(path.join(dir(), '.env.example'), path.join(dir(), '.env'));
      try {
        combinations.forEach((files, index) => {
          const result = compose(dir(), files, ['config', '--quiet']);
          assert.equal(result.status, 0, `${files.join(' + ')} with .env:\n${result.output}`);
          assert.deepEqual(resolved(dir(), files), withoutEnv[index], '.env.example must hold the defaults compose uses');
        });
      } finally {
        spawnSync('rm', ['-f', path.join(dir(), '.env')]);
      }
    });

    test('Compose v2 rejects a broken copy (the validator really validates)', () => {
      const broken = tempDir('phase4-compose-broken-');
      const text = readFileSync(path.join(dir(), 'compose.yaml'), 'utf8');
      // A service that waits for one that does not exist.
      writeFileSync(path.join(broken, 'compose.yaml'), text.replace(/^services:\n/m, 'services:\n  oops:\n    image: "busybox:1.37"\n    depends_on: [missing]\n'));
      assert.notEqual(compose(broken, ['compose.yaml'], ['config', '--quiet']).status, 0);
    });

    test('every file matches the Compose Specification schema', () => {
      for (const file of allFiles) {
        const valid = validateCompose(readYaml(dir(), file));
        assert.ok(valid, `${file}: ${JSON.stringify(validateCompose.errors, null, 2)}`);
      }
    });

    test('yamllint finds nothing in the compose files', () => {
      const result = runTool('yamllint', ['-d', yamllintConfig, '-s', ...allFiles], { cwd: dir() });
      assert.equal(result.status, 0, result.output);
      // Lines stay short enough for stricter settings too (the validation harness allows 160 columns).
      const short = runTool('yamllint', ['-d', yamllintShortLines, '-s', ...allFiles], { cwd: dir() });
      assert.equal(short.status, 0, short.output);
      // And the settings the validation harness applies to every generated YAML file.
      const harness = runTool('yamllint', ['-c', path.join(repoRoot, 'test', 'validation', 'yamllint.yaml'), '-s', ...allFiles], { cwd: dir() });
      assert.equal(harness.status, 0, harness.output);
    });

    if (hasSecrets) {
      test('shellcheck finds nothing in scripts/dev-secrets.sh', () => {
        const result = runTool('shellcheck', ['-S', 'warning', '--shell=sh', 'scripts/dev-secrets.sh'], { cwd: dir() });
        assert.equal(result.status, 0, result.output);
        const strict = runTool('shellcheck', ['scripts/dev-secrets.sh'], { cwd: dir() });
        assert.equal(strict.status, 0, `style and info findings too:\n${strict.output}`);
      });
    }

    describe('structure of the resolved model', () => {
      const merged = () => resolved(dir(), allFiles);
      const base = () => resolved(dir(), baseFiles);

      test('the project is <name>-local', () => {
        assert.equal(base().name, `${config.name}-local`);
      });

      test('data stores are on the internal data network only; front ends never join it', () => {
        for (const model of hasOverride ? [base(), merged()] : [base()]) {
          const networksOf = (name: string) => Object.keys(model.services[name].networks ?? {}).sort();
          if (storeNames.length > 0) {
            assert.equal(model.networks.data.internal, true);
            assert.notEqual(model.networks.app.internal, true);
          } else {
            assert.equal(model.networks.data, undefined, 'no data network without data stores');
          }
          for (const service of stack.services) {
            const expected = service.uses.length === 0 ? ['app'] : ['app', 'data'];
            assert.deepEqual(networksOf(service.name), expected, `${service.name} networks`);
          }
          for (const name of migrateNames) assert.deepEqual(networksOf(name), storeNames.length > 0 ? ['data'] : ['app'], `${name} networks`);
          for (const store of storeNames) {
            assert.ok(networksOf(store).includes('data'));
            assert.ok(!networksOf(store).includes('app'), `${store} must not join the app network`);
          }
          // Whatever joins the data network or the data-ports network is a data store or a back end / worker.
          for (const [name, service] of Object.entries<any>(model.services)) {
            const on = Object.keys(service.networks ?? {});
            if (on.includes('data-ports')) assert.ok(storeNames.includes(name), `${name} joins data-ports`);
            if (on.includes('data')) assert.ok(storeNames.includes(name) || migrateNames.includes(name) || !serviceModel(name).servedByNginx);
          }
        }
        for (const store of storeNames) {
          assert.deepEqual(Object.keys(base().services[store].networks), ['data'], `${store} in the base file`);
        }
      });

      test('every published port is bound to 127.0.0.1, once; data stores are published by the override only', () => {
        for (const model of hasOverride ? [base(), merged()] : [base()]) {
          const taken = new Set<string>();
          for (const [name, service] of Object.entries<any>(model.services)) {
            for (const port of service.ports ?? []) {
              assert.equal(port.host_ip, '127.0.0.1', `${name} publishes ${JSON.stringify(port)}`);
              assert.ok(port.published, `${name} has a fixed host port`);
              assert.ok(!taken.has(port.published), `host port ${port.published} published twice`);
              taken.add(port.published);
            }
          }
        }
        for (const store of storeNames) {
          assert.equal(base().services[store].ports, undefined, `${store} is not published by compose.yaml`);
          assert.equal(merged().services[store].ports.length, 1, `${store} is published by compose.override.yaml`);
        }
        for (const service of deployed) {
          const ports = base().services[service.name].ports ?? [];
          if (service.kind === 'worker') assert.deepEqual(ports, [], `${service.name} (worker) publishes nothing`);
          else assert.equal(ports[0].target, service.port);
        }
        for (const name of migrateNames) assert.equal(base().services[name].ports, undefined, `${name} publishes nothing`);
        // Raw text too: every ports entry in the files starts with 127.0.0.1.
        for (const file of allFiles) {
          for (const [, service] of Object.entries<any>(readYaml(dir(), file).services ?? {})) {
            for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/);
          }
        }
      });

      test('healthchecks on every service that listens; depends_on waits for health and for migrations', () => {
        const model2 = base();
        const firstBackend = stack.services.find((service) => service.kind === 'backend' && service.port !== undefined);
        for (const store of storeNames) assert.ok(model2.services[store].healthcheck?.test, `${store} healthcheck`);
        for (const service of stack.services) {
          const composed = model2.services[service.name];
          if (service.kind === 'worker') {
            assert.equal(composed.healthcheck, undefined, `${service.name}: a worker has no healthcheck`);
          } else {
            assert.equal(composed.healthcheck.test[0], 'CMD', `${service.name}: exec form, no shell needed`);
            assert.deepEqual(composed.healthcheck.test.slice(1), service.probe!.argv, `${service.name}: the probe of the stack model`);
            const target = service.health.kind === 'http' ? `127.0.0.1:${service.port}${service.health.path}` : String(service.port);
            assert.ok(composed.healthcheck.test.join(' ').includes(target), `${service.name} probes ${target}`);
            if (service.health.kind === 'tcp') assert.doesNotMatch(composed.healthcheck.test.join(' '), /healthz/, `${service.name}: no guessed path`);
          }
          const dependsOn = composed.depends_on ?? {};
          const expected = [
            ...(service.servedByNginx && firstBackend ? [firstBackend.name] : []),
            ...service.uses.map((store) => store.host),
            ...(service.migrations?.separate ? [`${service.name}-migrate`] : []),
          ];
          assert.deepEqual(Object.keys(dependsOn).sort(), [...expected].sort(), `${service.name} depends_on`);
          for (const [name, dependency] of Object.entries<any>(dependsOn)) {
            assert.equal(dependency.condition, name.endsWith('-migrate') ? 'service_completed_successfully' : 'service_healthy', `${service.name} -> ${name}`);
          }
        }
        for (const name of migrateNames) {
          const job = model2.services[name];
          assert.equal(job.restart, 'no', `${name} runs once`);
          assert.deepEqual(Object.keys(job.depends_on ?? {}).sort(), [...storeNames].filter((store) => serviceModel(name.replace(/-migrate$/, '')).uses.some((used) => used.host === store)).sort());
        }
      });

      test('application containers are hardened; data stores cannot gain privileges', () => {
        const model = merged() as Record<string, any>;
        for (const name of [...appNames, ...migrateNames]) {
          const service = model.services[name];
          if (migrateNames.includes(name)) {
            assert.equal(service.read_only, true, `${name} read_only`);
            assert.deepEqual(service.cap_drop, ['ALL'], `${name} cap_drop`);
            continue;
          }
          // Read-only everywhere, except with the override where docker compose watch copies files in (see below).
          const synced = runsSources(deployed.find((candidate) => candidate.name === name) as Service);
          assert.equal(base().services[name].read_only, true, `${name} read_only in compose.yaml`);
          assert.equal(service.read_only === true, !synced, `${name} read_only with the override`);
          assert.deepEqual(service.cap_drop, ['ALL'], `${name} cap_drop`);
          assert.ok(service.security_opt.includes('no-new-privileges:true'), `${name} no-new-privileges`);
          assert.equal(service.init, true, `${name} init`);
          assert.ok(service.tmpfs.includes('/tmp'), `${name} tmpfs /tmp`);
          assert.equal(service.restart, 'unless-stopped');
          assert.ok(service.deploy.resources.limits.memory > 0, `${name} memory limit`);
          assert.equal(service.privileged, undefined);
        }
        for (const name of storeNames) {
          assert.ok(model.services[name].security_opt.includes('no-new-privileges:true'), `${name} no-new-privileges`);
          assert.equal(model.services[name].restart, 'unless-stopped');
        }
      });

      test('images: data stores pinned from versions.json, services built from their Dockerfiles and tagged :local', () => {
        const composed2 = base();
        for (const store of stack.datastores) {
          assert.equal(composed2.services[store.host].image, imageRef(store.engine.engine));
          assert.equal(composed2.services[store.host].build, undefined);
        }
        for (const service of deployed) {
          const composed = composed2.services[service.name];
          const owner = deployed.find((candidate) => candidate.path === service.path && candidate.kind !== 'worker') ?? service;
          assert.equal(composed.image, `${imageRepository(config, owner)}:local`, `${service.name} runs its folder's image`);
          assert.equal(composed.build.context, path.join(dir(), buildContextOf(service)));
          assert.equal(path.join(composed.build.context, composed.build.dockerfile), path.join(dir(), dockerfilePath(owner)));
          assert.equal(composed.build.target, undefined, 'the last stage (runtime) is built');
        }
        for (const name of migrateNames) {
          const service = serviceModel(name.replace(/-migrate$/, ''));
          const job = composed2.services[name];
          assert.equal(job.build.target, service.migrations!.target === 'migrate' ? 'migrate' : undefined, `${name} target`);
          assert.deepEqual(job.command, service.migrations!.argv, `${name} command`);
        }
        const model = composed2;
        for (const [name, service] of Object.entries<any>(model.services)) {
          assert.match(service.image, /^[^:]+(:\d+)?[^:]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/, `${name} image has a tag`);
          assert.doesNotMatch(service.image, /:latest$/);
        }
      });

      test('no secret value in any compose file: secret settings come from the settings file, data store passwords from files', () => {
        const merged2 = merged();
        for (const file of allFiles) {
          for (const [name, service] of Object.entries<any>(readYaml(dir(), file).services ?? {})) {
            for (const [key, value] of Object.entries<string>(service.environment ?? {})) {
              if (/PASSWORD|SECRET|TOKEN|_KEY$/.test(key) && !key.endsWith('_FILE')) assert.fail(`${file}: ${name}: ${key} is written in the file`);
              assert.doesNotMatch(String(value), /:\/\/[^/@\s]*:[^/@\s]*@/, `${file}: ${name}: ${key} carries credentials in a URL`);
            }
          }
        }
        // Compose folds env_file into the resolved environment, so the file names are read from compose.yaml itself.
        for (const [name, service] of Object.entries<any>(readYaml(dir(), 'compose.yaml').services)) {
          if (storeNames.includes(name)) continue;
          const secret = serviceModel(name.replace(/-migrate$/, ''))?.settings.filter((setting) => setting.secret) ?? [];
          const envFiles = (service.env_file ?? []).map((entry: any) => ({ path: entry.path, required: entry.required }));
          const expected = secret.length > 0 ? [{ path: `./secrets/${name.replace(/-migrate$/, '')}.env`, required: true }] : [];
          assert.deepEqual(envFiles, expected, `${name} env_file`);
        }
        for (const secret of Object.values<any>(merged2.secrets ?? {})) {
          assert.ok(secret.file.startsWith(path.join(dir(), 'secrets') + path.sep), 'secret files live in secrets/');
        }
        // Every setting each service reads reaches its container: Compose's resolved environment holds the plain
        // and datastore ones of the compose file and the secret ones it read from the settings file.
        for (const service of stack.services) {
          const environment = merged2.services[service.name].environment ?? {};
          for (const setting of service.settings) assert.ok(setting.name in environment, `${service.name}: ${setting.name} is not set`);
        }
        const redis = stack.cache;
        if (redis) {
          // `$$` in the file is a literal `$` for the container's shell, not compose interpolation.
          assert.ok(merged2.services[redis.host].command.join(' ').includes('$(cat /run/secrets/redis_password)'));
        }
        // No rendered file carries a password-looking assignment with a literal value.
        for (const file of render(config)) {
          assert.doesNotMatch(file.contents, /(PASSWORD|SECRET)(?!_FILE)[A-Z_]*\s*[:=]\s*["']?[A-Za-z0-9]/, `${file.path} has an inline secret`);
        }
      });

      test('.env.example defines exactly the variables the compose files read, without secret values', () => {
        const read = new Set<string>();
        for (const file of allFiles) {
          for (const match of readFileSync(path.join(dir(), file), 'utf8').matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) read.add(match[1]);
        }
        const example = readFileSync(path.join(dir(), '.env.example'), 'utf8');
        const defined = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
        assert.deepEqual([...defined].sort(), [...read].sort());
        assert.equal(new Set(defined).size, defined.length, 'each variable once');
        assert.doesNotMatch(example, /PASSWORD=|SECRET[A-Z_]*=/);
        // Every setting has a comment just above it.
        assert.doesNotMatch(example, /^[^#\n].*\n[A-Z][A-Z0-9_]*=/m);
      });
    });

    describe('live reload: develop.watch in compose.override.yaml', () => {
      const merged = () => resolved(dir(), allFiles);
      const watchOf = (name: string): any[] => merged().services[name].develop?.watch ?? [];
      /** A resolved (absolute) path back to the form the override writes: `./apps/api`, `.`. */
      const relative = (absolute: string) => {
        const inRepository = path.relative(dir(), absolute).split(path.sep).join('/');
        return inRepository === '' ? '.' : `./${inRepository}`;
      };

      test('compose.yaml alone stays production-like: no watch rules, every application container read-only', () => {
        const base = resolved(dir(), baseFiles);
        for (const name of appNames) {
          assert.equal(base.services[name].develop, undefined, `${name} has watch rules in compose.yaml`);
          assert.equal(base.services[name].read_only, true);
        }
        assert.doesNotMatch(readFileSync(path.join(dir(), 'compose.yaml'), 'utf8'), /^\s*(develop|watch):/m);
      });

      test('interpreted back ends and workers sync+restart into the image folder; the others rebuild', () => {
        for (const service of deployed) {
          const rules = watchOf(service.name);
          assert.ok(rules.length > 0, `${service.name} has watch rules`);
          for (const rule of rules) assert.ok(['sync+restart', 'rebuild'].includes(rule.action), `${service.name}: ${rule.action}`);
          const syncs = rules.filter((rule) => rule.action === 'sync+restart');
          const rebuilds = rules.filter((rule) => rule.action === 'rebuild');
          for (const rule of rebuilds) assert.equal(rule.target, undefined, `${service.name}: a rebuild rule has no target`);
          if (runsSources(service)) {
            assert.equal(syncs.length, 1, `${service.name}: one sync+restart rule`);
            const [sync] = syncs;
            assert.equal(sync.path, path.join(dir(), service.path), `${service.name}: syncs its own folder`);
            assert.equal(sync.target, imageFolderOf(config, service), `${service.name}: target is where the image holds the folder`);
            // Dependencies are installed in the image, for Linux: never copied from the host.
            const dependencies = service.language === 'node' ? ['**/node_modules'] : ['**/.venv', '**/__pycache__'];
            for (const pattern of dependencies) assert.ok(sync.ignore?.includes(pattern), `${service.name} ignores ${pattern}`);
            // A changed manifest or lockfile rebuilds; the sync rule skips it, so one change means one action.
            // So does a change to a front end built into the image: its folder (with the manifests inside it) and the others.
            const manifests = [...new Set([...dependencyFilesOf(service), ...frontEndFiles(service)])].map((file) => `./${file}`);
            assert.deepEqual(rebuilds.map((rule) => relative(rule.path)).sort(), [...manifests, ...frontEndsOf(service).map((frontEnd) => `./${frontEnd.path}`)].sort(), `${service.name} rebuild rules`);
            for (const rule of rebuilds) {
              const inside = path.relative(sync.path, rule.path);
              if (!inside.startsWith('..')) assert.ok(sync.ignore.includes(inside.split(path.sep).join('/')), `${service.name}: sync ignores ${inside}`);
            }
          } else {
            assert.equal(syncs.length, 0, `${service.name} runs built artifacts: nothing to sync`);
            assert.equal(rebuilds[0].path, path.join(dir(), service.path), `${service.name}: rebuilds on its folder first`);
            // Whatever else rebuilds it lies outside its folder: the workspace root's manifests.
            const others = rebuilds.slice(1).map((rule) => relative(rule.path));
            // And the front ends built into it, where they lie outside its folder.
            const outside = [...new Set([...dependencyFilesOf(service), ...frontEndFiles(service)])].filter((file) => !holds(service.path, file));
            const frontEndFolders = frontEndsOf(service).filter((frontEnd) => !holds(service.path, frontEnd.path)).map((frontEnd) => frontEnd.path);
            assert.deepEqual([...others].sort(), [...outside, ...frontEndFolders].map((file) => `./${file}`).sort(), `${service.name}: other rebuild rules`);
          }
        }
        for (const [name, expected] of Object.entries(expectedWatch[composeCase.id] ?? {})) {
          const rules = watchOf(name);
          const sync = rules.find((rule) => rule.action === 'sync+restart');
          assert.deepEqual(sync ? [relative(sync.path), sync.target] : undefined, expected.sync, `${name} sync`);
          assert.deepEqual(rules.filter((rule) => rule.action === 'rebuild').map((rule) => relative(rule.path)), expected.rebuild, `${name} rebuild`);
        }
      });

      test('read_only: false (with its reason) only where files are synced; the rest of the hardening stays', () => {
        const text = readFileSync(path.join(dir(), 'compose.override.yaml'), 'utf8');
        const raw = readYaml(dir(), 'compose.override.yaml').services;
        for (const service of deployed) {
          const synced = runsSources(service);
          assert.equal(raw[service.name].read_only, synced ? false : undefined, `${service.name} read_only in the override`);
          const model = merged().services[service.name];
          assert.deepEqual(model.cap_drop, ['ALL']);
          assert.ok(model.security_opt.includes('no-new-privileges:true'));
          assert.ok(model.tmpfs.includes('/tmp'));
        }
        const writable = deployed.filter(runsSources).length;
        assert.equal((text.match(/^ {4}read_only: false$/gm) ?? []).length, writable);
        // Each one explains itself in the comment just above it.
        assert.equal((text.match(/refuses a read-only root file system\.[^\n]*\n(?: +#[^\n]*\n)* {4}read_only: false/g) ?? []).length, writable);
      });

      test('every watched path exists in the repository, inside the service build context', () => {
        for (const service of deployed) {
          const context = path.join(dir(), buildContextOf(service));
          for (const rule of watchOf(service.name)) {
            assert.ok(existsSync(rule.path), `${service.name}: ${relative(rule.path)} does not exist`);
            assert.ok(!path.relative(context, rule.path).startsWith('..'), `${service.name}: ${relative(rule.path)} is outside ${buildContextOf(service)}`);
          }
        }
        // The raw file names them relative to the compose files, never absolute.
        for (const service of Object.values<any>(readYaml(dir(), 'compose.override.yaml').services)) {
          for (const rule of service.develop?.watch ?? []) assert.match(rule.path, /^\.(\/|$)/);
        }
      });

      test('the guide lists what each service syncs and rebuilds, and how to start watching', () => {
        const guide = readFileSync(path.join(dir(), 'docs', 'local-development.md'), 'utf8');
        assert.match(guide, /^## Live reload$/m);
        assert.ok(guide.includes('docker compose watch'));
        assert.ok(guide.includes('docker compose up --watch'));
        for (const service of deployed) {
          // Table cells are padded to their column's width, as prettier lays tables out.
          const row = guide
            .split('\n')
            .map((line) => line.split('|').map((cell) => cell.trim()))
            .find((cells) => cells.length === 5 && cells[1] === service.name);
          assert.ok(row, `${service.name} has a live reload row`);
          if (runsSources(service)) assert.ok(row[2].includes(`\`${imageFolderOf(config, service)}\``), `${service.name} row names the target`);
          else assert.equal(row[2], 'nothing', `${service.name} row: nothing synced`);
        }
      });
    });
  });
}

describe('compose: every guide and file of the matrix', () => {
  test('markdownlint finds nothing in docs/local-development.md (default rules; line length not checked)', () => {
    // The validation harness's settings for generated docs: every default rule but line length.
    copyFileSync(path.join(repoRoot, 'test', 'validation', 'markdownlint.jsonc'), path.join(root, '.markdownlint-cli2.jsonc'));
    const docs = cases.map((composeCase) => `${composeCase.id}/docs/local-development.md`);
    const result = runTool('markdownlint-cli2', docs, { cwd: root });
    assert.equal(result.status, 0, result.output);
  });

  test('the guide links only to files that exist', () => {
    for (const composeCase of cases) {
      const docsDir = path.join(dirOf(composeCase), 'docs');
      const text = readFileSync(path.join(docsDir, 'local-development.md'), 'utf8');
      for (const match of text.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)) {
        assert.ok(existsSync(path.join(docsDir, match[1])), `${composeCase.id}: broken link ${match[1]}`);
      }
    }
  });

  test('secretlint finds no secret in any generated file', () => {
    writeFileSync(
      path.join(root, '.secretlintrc.json'),
      JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }),
    );
    const generated = cases.flatMap((composeCase) => render(composeCase.config).map((file) => `${composeCase.id}/${file.path}`));
    const result = runTool('secretlint', ['--secretlintrc', '.secretlintrc.json', ...generated], { cwd: root });
    assert.equal(result.status, 0, result.output);
  });

  test('without openssl, dev-secrets.sh falls back to /dev/urandom', () => {
    const withSecrets = cases.find((composeCase) => derive(composeCase.config).datastores.length > 0);
    assert.ok(withSecrets);
    const dir = tempDir('phase4-compose-urandom-');
    writeRepository(dir, withSecrets.config, render(withSecrets.config));
    // A PATH holding only the tools the script may use, openssl left out.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of ['sh', 'dirname', 'od', 'tr', 'chmod', 'mkdir', 'cat', 'mv']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      assert.ok(found, `${tool} is on this machine`);
      symlinkSync(found, path.join(bin, tool));
    }
    const result = spawnSync(path.join(bin, 'sh'), [path.join(dir, 'scripts', 'dev-secrets.sh')], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: bin },
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    for (const secret of derive(withSecrets.config).datastores.flatMap((store) => store.secrets)) {
      assert.match(readFileSync(path.join(dir, 'secrets', `${secret.name}.txt`), 'utf8'), /^[0-9a-f]{64}$/);
    }
  });

  test('a secret file the user already has is kept as it is', () => {
    const withSecrets = cases.find((composeCase) => derive(composeCase.config).datastores.length > 0);
    assert.ok(withSecrets);
    const dir = tempDir('phase4-compose-keep-');
    writeRepository(dir, withSecrets.config, render(withSecrets.config));
    const [first] = derive(withSecrets.config).datastores[0].secrets;
    writeFileSync(path.join(dir, 'secrets', `${first.name}.txt`), 'chosen-by-me', { mode: 0o600 });
    const result = runSecretsScript(dir);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, new RegExp(`kept +secrets/${first.name}\\.txt`));
    assert.equal(readFileSync(path.join(dir, 'secrets', `${first.name}.txt`), 'utf8'), 'chosen-by-me');
    assert.equal(modeOf(path.join(dir, 'secrets', `${first.name}.txt`)), '600', 'an existing file keeps its mode too');
  });

  test("compose never sees the caller's environment: an exported variable cannot hide an unset one", () => {
    const dir = tempDir('phase4-compose-env-');
    writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  api:\n    image: "api:${API_HOST_PORT}"\n');
    const result = withExported('API_HOST_PORT', '3000', () => compose(dir, ['compose.yaml'], ['config', '--quiet']));
    assert.match(result.output, /API_HOST_PORT\W+ variable is not set/);
  });

  test('the validators are installed (a missing one fails, never skips)', () => {
    for (const tool of ['docker-compose', 'yamllint', 'shellcheck', 'markdownlint-cli2', 'secretlint']) requireTool(tool);
  });
});
