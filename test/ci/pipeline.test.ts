/**
 * The pipeline's promises, checked on the generated files: the stage order, the approval before production,
 * the freeze check and backup before migrations, blocking security scans, images tagged with the commit
 * and the version and deployed by digest, OIDC logins, and the coverage threshold.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { serviceVariants } from '../validation/matrix.js';
import { renderAnswers, writeRendered } from '../validation/generate.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { imageRef } from '../../lib/versions/index.js';
import { platforms } from '../../lib/areas/ci/platforms/index.js';
import { workflowFindings } from './workflow-security.js';
import { shopAnswers } from './answers.js';

const base: Answers = shopAnswers();

const render = (answers: Partial<Answers> = {}) => {
  const files = renderAnswers({ ...base, ...answers });
  const byPath = new Map(files.map((file) => [file.path, file.contents]));
  return { files, byPath, get: (file: string) => byPath.get(file) ?? assert.fail(`${file} was not generated`) };
};

type Job = { needs?: string[]; environment?: { name: string }; permissions?: Record<string, string>; if?: string; steps: { name?: string; run?: string; uses?: string }[] };

const jobsOf = (text: string) => (parse(text) as { jobs: Record<string, Job> }).jobs;

describe('the GitHub Actions pipeline', () => {
  const { get } = render();
  const workflow = get('.github/workflows/pipeline.yml');
  const jobs = jobsOf(workflow);

  test('lint, test and security gate every build; builds gate staging; staging smoke gates production', () => {
    const gates = Object.keys(jobs).filter((id) => /^(lint|check|test|image-test|audit|scan)-/.test(id));
    assert.ok(gates.some((id) => id.startsWith('lint-')) && gates.some((id) => id.startsWith('test-')) && gates.includes('scan-secrets'));
    for (const build of Object.keys(jobs).filter((id) => id.startsWith('build-'))) assert.deepEqual([...jobs[build].needs!].sort(), [...gates].sort(), build);
    assert.ok(jobs['deploy-staging'].needs!.every((need) => need.startsWith('build-')));
    assert.ok(jobs['deploy-production'].needs!.includes('smoke-staging'));
    assert.deepEqual(jobs['smoke-production'].needs, ['deploy-production']);
  });

  test('production waits for its environment approval, checks the freeze, backs up, then migrates and deploys', () => {
    assert.equal(jobs['deploy-production'].environment?.name, 'production');
    const steps = jobs['deploy-production'].steps.map((step) => step.run ?? step.uses ?? '');
    const at = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step));
    assert.ok(at(/freeze-check\.sh/) >= 0 && at(/freeze-check\.sh/) < at(/deploy\.sh production/));
    assert.ok(at(/backup\.sh/) > at(/freeze-check/) && at(/backup\.sh/) < at(/deploy\.sh production/));
    assert.equal(jobs['deploy-production'].if, "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'");
  });

  test('staging and production deploy the digests the build jobs wrote, never a tag', () => {
    for (const env of ['staging', 'production']) {
      const steps = jobs[`deploy-${env}`].steps;
      assert.ok(steps.some((step) => step.uses?.startsWith('actions/download-artifact')), env);
    }
    const deploy = get('scripts/ci/deploy.sh');
    assert.match(deploy, /--set-string "images\.[a-z-]+\.digest=\$\(digest_of [a-z-]+\)"/);
    assert.doesNotMatch(deploy, /:latest|--set-string "images\.[a-z-]+\.tag/);
    const image = get('scripts/ci/image.sh');
    assert.match(image, /--tag "\$\{repository\}:sha-\$\{commit\}"/);
    assert.match(image, /imagetools create --tag "\$\{repository\}:\$\{version\}" "\$\{repository\}@\$\(digest_of\)"/);
    assert.match(image, /--sbom=true --provenance=mode=max/);
  });

  test('migrations run before the rollout, with the digest of the image they run in', () => {
    const services = [{ ...serviceVariants[5], migrations: { tool: 'prisma' as const, command: 'npx prisma migrate deploy' } }];
    // Helm: the chart's hook Jobs run them inside `helm upgrade`, which gets the migrate image's digest.
    const helm = render({ services }).get('scripts/ci/deploy.sh');
    assert.match(helm, /--set-string "images\.api-express-migrate\.digest=\$\(digest_of api-express-migrate\)"/);
    assert.doesNotMatch(helm, /kubectl[^\n]* run /);
    // Kustomize: deploy.sh applies the migrations overlay and waits for its Jobs before it applies the services.
    const kustomize = render({ services, orchestration: 'kustomize' }).get('scripts/ci/deploy.sh');
    const body = kustomize.slice(kustomize.indexOf('deploy() {'));
    assert.ok(body.indexOf('run_migrations') > 0 && body.indexOf('run_migrations') < body.indexOf('kubectl apply --kustomize'));
    assert.match(kustomize, /jobs='api-express-migrate'/);
    assert.match(kustomize, /pin "\$overlay\/migrations"/);
  });

  test('a Prisma service generates its client before lint, build and tests, migrates the test database first, and ships the client', () => {
    const prisma = { ...serviceVariants[5], migrations: { tool: 'prisma' as const, command: 'npx prisma migrate deploy' }, uses: ['postgres' as const] };
    const { get: getWith } = render({ services: [prisma] });
    const prismaJobs = jobsOf(getWith('.github/workflows/pipeline.yml'));
    const runOf = (id: string) => prismaJobs[id].steps.find((step) => step.name === id.split('-')[0])!.run!.trim().split('\n');
    assert.deepEqual(runOf('lint-api-express'), ['npx --no-install prisma generate', 'npm run lint']);
    assert.deepEqual(runOf('test-api-express').slice(0, 2), ['npx --no-install prisma generate', 'npx prisma migrate deploy']);
    assert.match(runOf('test-api-express')[2], /flush-coverage\.cjs/);
    assert.match(runOf('test-api-express')[3], /c8@[\d.]+ .* npm test$/);
    const dockerfile = getWith(`${prisma.path}/Dockerfile`);
    assert.ok(dockerfile.indexOf('RUN prisma generate') > dockerfile.indexOf('COPY . .'));
    assert.match(dockerfile, /\nCOPY --from=build \/app\/node_modules\/\.prism\[a\] \/app\/node_modules\/\.prisma\/\n/);
  });

  test("the test job migrates with the project's own binaries: through the package manager, or a Go CLI installed first", () => {
    const runOfTest = (service: Answers['services'][number]) => {
      const jobs = jobsOf(render({ services: [{ ...service, uses: ['postgres' as const] }] }).get('.github/workflows/pipeline.yml'));
      return jobs[`test-${service.name}`].steps.find((step) => step.name === 'test')!.run!.trim().split('\n');
    };
    assert.ok(runOfTest({ ...serviceVariants[5], migrations: { tool: 'prisma', command: 'prisma migrate deploy' } }).includes('npx --no-install prisma migrate deploy'));
    assert.ok(runOfTest({ ...serviceVariants[10], migrations: { tool: 'alembic', command: 'alembic upgrade head' } }).includes('poetry run alembic upgrade head'));
    const go = runOfTest({ ...serviceVariants[13], migrations: { tool: 'goose', command: 'goose -dir migrations postgres "$DATABASE_URL" up' } });
    const install = go.findIndex((line) => /^go install github\.com\/pressly\/goose\/v3\/cmd\/goose@v/.test(line));
    assert.ok(install >= 0 && install < go.indexOf('goose -dir migrations postgres "$DATABASE_URL" up'), go.join('\n'));
  });

  test("a Go project's golangci-lint is installed at the major its configuration is written for", () => {
    const linted = { ...serviceVariants[13], commands: { ...serviceVariants[13].commands, lint: 'golangci-lint run' } };
    const install = jobsOf(render({ services: [linted] }).get('.github/workflows/pipeline.yml'))['lint-api-go'].steps.find((step) => step.name === 'install')!.run!;
    const bin = writeTree(tempDir(), { go: '#!/bin/sh\necho "go $*"\n' });
    spawnSync('chmod', ['+x', path.join(bin, 'go')]);
    const installed = (files: Record<string, string>) => {
      const folder = writeTree(tempDir(), { 'go.mod': 'module x\n', ...files });
      const result = spawnSync('sh', ['-ec', install], { cwd: folder, env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.split('\n').find((line) => line.startsWith('go install'));
    };
    assert.match(installed({}) ?? '', /golangci-lint\/v2\/cmd\/golangci-lint@v2\./);
    assert.match(installed({ '.golangci.yml': 'version: "2"\nlinters:\n  default: standard\n' }) ?? '', /golangci-lint\/v2\/cmd/);
    assert.match(installed({ '.golangci.toml': 'version = "2"\n' }) ?? '', /golangci-lint\/v2\/cmd/);
    assert.match(installed({ '.golangci.yml': 'linters:\n  enable:\n    - govet\n' }) ?? '', /golangci\/golangci-lint\/cmd\/golangci-lint@v1\./);
  });

  test('security jobs and the image scan fail on HIGH and CRITICAL findings', () => {
    // Each security job runs its case of check.sh in the tool's image.
    const check = get('scripts/ci/check.sh');
    const caseOf = (id: string) => new RegExp(`\\n  ${id}\\)\\n[^\\n]*\\n([^\\n]*)\\n`).exec(check)?.[1] ?? '';
    for (const id of ['audit-dependencies', 'scan-iac']) {
      assert.equal(jobs[id].steps.at(-1)!.run, `docker run --rm -v "$PWD:/src" -w /src --entrypoint sh ${imageRef('trivy')} scripts/ci/check.sh ${id}`);
      assert.match(caseOf(id), /--exit-code 1 --severity HIGH,CRITICAL --ignorefile \.trivyignore\.yaml/, id);
    }
    assert.match(jobs['scan-secrets'].steps.at(-1)!.run!, /scripts\/ci\/check\.sh scan-secrets$/);
    assert.match(caseOf('scan-secrets'), /gitleaks git --redact --no-banner --exit-code 1/);
    assert.match(get('scripts/ci/image.sh'), /image --quiet --exit-code 1 --severity HIGH,CRITICAL/);
  });

  test('clouds are reached with OIDC, and only the jobs that need it may ask for a token', () => {
    assert.doesNotMatch(workflow, /aws-access-key-id|aws-secret-access-key|credentials_json|client-secret|creds:/);
    for (const [id, job] of Object.entries(jobs)) {
      const writes = job.permissions?.['id-token'] === 'write';
      assert.equal(writes, /^(build|deploy|smoke|image-test)-/.test(id), `${id} id-token`);
    }
  });

  test("a pull request's jobs log in to no registry that would refuse its token (every registry kind)", () => {
    const logsIn = (step: Job['steps'][number]) =>
      /configure-aws-credentials|amazon-ecr-login|google-github-actions\/auth|azure\/login|docker\/login-action/.test(step.uses ?? '') || /az acr login/.test(step.run ?? '');
    const pullRequest = (condition: string | undefined) => !condition || !/github\.event_name (== 'push'|!= 'pull_request')/.test(condition);
    const registries = {
      ghcr: 'ghcr.io/acme',
      ecr: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme',
      gar: 'europe-west1-docker.pkg.dev/acme/images',
      acr: 'acmeimages.azurecr.io/shop',
      other: 'registry.example.com/acme',
    };
    for (const [kind, registry] of Object.entries(registries)) {
      const each = jobsOf(render({ registry }).get('.github/workflows/pipeline.yml'));
      // A job runs on a pull request when its condition allows it and every job it needs ran (a skipped need skips it).
      const runs = (id: string): boolean => pullRequest(each[id].if) && (each[id].needs ?? []).every(runs);
      let seen = 0;
      for (const [id, job] of Object.entries(each).filter(([id]) => runs(id))) {
        for (const step of job.steps.filter(logsIn)) {
          seen += 1;
          // GHCR takes the run's own token, which a pull request has too.
          if (kind !== 'ghcr') assert.ok(!pullRequest((step as { if?: string }).if), `${kind}: ${id} logs in on a pull request (${step.uses ?? step.run})`);
        }
      }
      assert.ok(seen > 0, `${kind}: the test-target jobs read the cache on pushes`);
    }
    // Azure trusts exact subjects: a release tag's test target reads no cache, and the builds push from the
    // environment `registry`, whose subject is the same on branches and tags; other registries need no environment.
    const azure = jobsOf(render({ registry: registries.acr }).get('.github/workflows/pipeline.yml'));
    const cacheLogin = Object.entries(azure).find(([id]) => id.startsWith('image-test-'))![1].steps.find(logsIn) as { if?: string };
    assert.equal(cacheLogin.if, "github.event_name == 'push' && github.ref_type == 'branch'");
    const builds = (jobs: Record<string, Job>) => Object.entries(jobs).filter(([id]) => id.startsWith('build-'));
    assert.ok(builds(azure).length > 0 && builds(azure).every(([, job]) => (job.environment as unknown) === 'registry'));
    const aws = jobsOf(render({ registry: registries.ecr }).get('.github/workflows/pipeline.yml'));
    assert.ok(builds(aws).every(([, job]) => job.environment === undefined));
  });

  test('each test job checks its coverage against the threshold', () => {
    const { byPath } = render({ coverageThreshold: '65' });
    const gates = jobsOf(byPath.get('.github/workflows/pipeline.yml')!);
    const measured = Object.entries(gates).filter(([id]) => id.startsWith('test-'));
    assert.ok(measured.length >= 2);
    for (const [id, job] of measured) {
      assert.ok(job.steps.some((step) => /coverage-gate\.sh 65 /.test(step.run ?? '')) || job.steps.some((step) => /coverage is not measured/.test(step.run ?? '')), id);
    }
  });

  test("a package manager pinned by a range installs that range, in CI as in the Dockerfile", () => {
    const poetry = { ...serviceVariants[10], packageManagerVersion: '>=1.8,<1.9' };
    const { get: getWith } = render({ services: [poetry] });
    assert.match(getWith('.github/workflows/pipeline.yml'), /pip install 'poetry>=1\.8,<1\.9'\n/);
    assert.match(getWith(`${poetry.path}/Dockerfile`), /'poetry>=1\.8,<1\.9'/);
  });

  test('passes the pipeline-security checks', () => {
    assert.deepEqual(workflowFindings(workflow), []);
  });

  test('three environments: the first deploys from its own branch, main promotes the rest', () => {
    const three = jobsOf(render({ environments: ['dev', 'staging', 'production'] }).get('.github/workflows/pipeline.yml'));
    assert.match(three['deploy-dev'].if!, /refs\/heads\/dev'/);
    assert.match(three['deploy-staging'].if!, /refs\/heads\/main'/);
    assert.ok(three['deploy-production'].needs!.includes('smoke-staging'));
    assert.ok(!three['deploy-staging'].needs!.includes('smoke-dev'));
  });
});

describe('pipeline-security checks fail on planted cases', () => {
  const clean = `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@${'a'.repeat(40)}\n      - run: echo ok\n`;
  test('a clean workflow passes', () => assert.deepEqual(workflowFindings(clean), []));
  const planted: Record<string, string> = {
    'a title in a shell': clean.replace('echo ok', 'echo "${{ github.event.pull_request.title }}"'),
    'a branch name in a shell': clean.replace('echo ok', 'echo ${{ github.head_ref }}'),
    'an unpinned action': clean.replace(`@${'a'.repeat(40)}`, '@v5'),
    'a job without permissions': clean.replace('    permissions:\n      contents: read\n', ''),
    'write-all by default': clean.replace('permissions: {}', 'permissions: write-all'),
    "a fork's code in pull_request_target": clean.replace('on: push', 'on: pull_request_target').replace(`@${'a'.repeat(40)}\n`, `@${'a'.repeat(40)}\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n`),
  };
  for (const [what, text] of Object.entries(planted)) {
    test(what, () => assert.notDeepEqual(workflowFindings(text), []));
  }
});

describe('the shared scripts', () => {
  const { files } = render();
  const dir = tempDir();
  writeRendered(dir, files);
  const sh = (script: string, args: string[], env: Record<string, string> = {}, cwd = dir) =>
    spawnSync('sh', [path.join(dir, script), ...args], { cwd, env: { PATH: process.env.PATH!, HOME: dir, ...env }, encoding: 'utf8' });

  test('the coverage gate reads Cobertura, JaCoCo and LCOV and fails below the threshold', () => {
    const reports = writeTree(tempDir(), {
      'cobertura.xml': '<?xml version="1.0"?>\n<coverage line-rate="0.8" lines-covered="80" lines-valid="100" version="1">\n</coverage>\n',
      'jacoco.xml': '<report name="x"><package name="p"><counter type="LINE" missed="1" covered="1"/></package><counter type="INSTRUCTION" missed="5" covered="5"/><counter type="LINE" missed="30" covered="70"/></report>',
      'lcov.info': 'SF:a.js\nLF:10\nLH:9\nend_of_record\n',
    });
    const gate = (threshold: string, report: string) => sh('scripts/ci/coverage-gate.sh', [threshold, path.join(reports, report)]).status;
    assert.equal(gate('80', 'cobertura.xml'), 0);
    assert.equal(gate('81', 'cobertura.xml'), 1);
    assert.equal(gate('70', 'jacoco.xml'), 0);
    assert.equal(gate('71', 'jacoco.xml'), 1);
    assert.equal(gate('90', 'lcov.info'), 0);
    assert.equal(gate('91', 'lcov.info'), 1);
    assert.equal(gate('10', 'missing.xml'), 1);
  });

  test('the freeze check stops a deploy inside the window unless a reason is given', () => {
    const now = new Date();
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const at = (offsetHours: number) => {
      const when = new Date(now.getTime() + offsetHours * 3600_000);
      return `${day[when.getUTCDay()]} ${String(when.getUTCHours()).padStart(2, '0')}:00`;
    };
    const freeze = (window: string, env: Record<string, string> = {}) => {
      const scripted = tempDir();
      writeRendered(scripted, renderAnswers({ ...base, deployFreeze: window, timezone: 'UTC' }));
      return spawnSync('sh', ['scripts/ci/freeze-check.sh'], { cwd: scripted, env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8' });
    };
    const inside = `${at(-2)} - ${at(2)}`;
    const outside = `${at(5)} - ${at(9)}`;
    assert.equal(freeze(inside).status, 1);
    const overridden = freeze(inside, { FREEZE_OVERRIDE_REASON: 'security fix for CVE-2026-1', CI_ACTOR: 'alice' });
    assert.equal(overridden.status, 0);
    assert.match(overridden.stdout, /OVERRIDDEN by alice: security fix/);
    assert.equal(freeze(outside).status, 0);
  });

  test('the freeze check refuses to guess when the job image has no data for its time zone', () => {
    const scripted = tempDir();
    writeRendered(scripted, renderAnswers({ ...base, timezone: 'Europe/Berlin' }));
    // Only a zoneinfo folder without Berlin: as in an image without tzdata.
    const zones = writeTree(tempDir(), { 'UTC': '' });
    const result = spawnSync('sh', ['-c', `sed 's#/usr/share/zoneinfo /usr/lib/zoneinfo /usr/share/lib/zoneinfo##' scripts/ci/freeze-check.sh | sh`], {
      cwd: scripted,
      env: { PATH: process.env.PATH!, TZDIR: zones },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no time zone data for Europe\/Berlin/);
  });

  test('an exception without an expiry or a reason fails the allow-list check', () => {
    const check = (text: string) => {
      const folder = writeTree(tempDir(), { '.trivyignore.yaml': text });
      return sh('scripts/ci/check-exceptions.sh', ['.trivyignore.yaml'], {}, folder).status;
    };
    assert.equal(check(get('.trivyignore.yaml')), 0);
    assert.equal(check('vulnerabilities:\n  - id: CVE-2026-1\n    statement: not reachable\n    expired_at: 2027-01-31\n'), 0);
    assert.equal(check('vulnerabilities:\n  - id: CVE-2026-1\n    statement: not reachable\n'), 1);
    assert.equal(check('vulnerabilities:\n  - id: CVE-2026-1\n    expired_at: 2027-01-31\n'), 1);
  });

  function get(file: string) {
    return files.find((candidate) => candidate.path === file)!.contents;
  }
});

describe('images are rebuilt only when their sources change', () => {
  // A monorepo of two services, each with its own context, and a fake docker that remembers what was pushed.
  const services = [serviceVariants[5], serviceVariants[13]];
  const repo = tempDir();
  writeRendered(repo, renderAnswers({ ...base, services, registry: 'ghcr.io/acme' }));
  for (const service of services) writeTree(repo, { [`${service.path}/main.txt`]: 'v1\n' });
  const bin = writeTree(tempDir(), {
    docker: `#!/bin/sh
# buildx build: remembers the tags it pushes; imagetools inspect: answers for a remembered tag.
log="$FAKE_REGISTRY"
shift
case "$1 $2" in
  "build "*)
    metadata=""; tags=""
    while [ $# -gt 0 ]; do
      case "$1" in --tag) tags="$tags $2"; shift ;; --tag=*) tags="$tags \${1#--tag=}" ;; --metadata-file) metadata="$2"; shift ;; esac
      shift
    done
    digest="sha256:$(printf '%s' "$tags" | sha256sum | cut -c1-64)"
    for tag in $tags; do echo "$tag $digest" >>"$log"; done
    echo "built$tags" >>"$log.builds"
    printf '{"containerimage.digest": "%s"}' "$digest" >"$metadata" ;;
  "imagetools inspect")
    line="$(grep "^$5 " "$log" | tail -n 1)" || exit 1
    printf '{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%s","size":1}\\n' "\${line#* }" ;;
  "imagetools create")
    digest="\${5#*@}"; echo "$4 $digest" >>"$log" ;;
esac
`,
  });
  spawnSync('chmod', ['+x', path.join(bin, 'docker')]);
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });
  git('init', '-q');
  const registry = path.join(tempDir(), 'registry');
  const build = (image: string) => {
    git('add', '-A');
    git('commit', '-qm', 'change');
    const commit = git('rev-parse', 'HEAD').stdout.trim();
    const result = spawnSync('sh', ['scripts/ci/image.sh', 'build', image], {
      cwd: repo,
      env: { PATH: `${bin}:${process.env.PATH}`, FAKE_REGISTRY: registry, CI_COMMIT: commit, CI_RUN_NUMBER: '1' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  };
  const builds = () => spawnSync('sh', ['-c', `cat "${registry}.builds" 2>/dev/null | wc -l`], { encoding: 'utf8' }).stdout.trim();

  test('the first build pushes; a change elsewhere reuses the digest under the new commit tag; a change inside rebuilds', () => {
    build('api-express');
    build('api-go');
    assert.equal(builds(), '2');
    writeTree(repo, { 'services/api-go/main.txt': 'v2\n' });
    assert.match(build('api-express'), /sources unchanged since .*; tagged sha-[0-9a-f]{40}, not rebuilt/);
    assert.equal(builds(), '2');
    build('api-go');
    assert.equal(builds(), '3');
    const digests = path.join(repo, 'build/ci/digests');
    assert.match(spawnSync('cat', [path.join(digests, 'api-express')], { encoding: 'utf8' }).stdout, /^sha256:[0-9a-f]{64}$/m);
  });
});

describe('the Terraform checks', () => {
  const checkScript = (answers: Partial<Answers>) => render(answers).get('scripts/ci/check.sh');
  const section = (script: string, id: string) => script.slice(script.indexOf(`  ${id})`), script.indexOf(';;', script.indexOf(`  ${id})`)));

  test('a monitoring stack managed as Terraform is formatted, validated and linted like infra/', () => {
    const script = checkScript({ monitoring: 'datadog' });
    const terraform = section(script, 'check-terraform');
    assert.match(terraform, /terraform fmt -check -recursive infra /);
    assert.match(terraform, /terraform fmt -check -recursive monitoring\/datadog /);
    assert.match(terraform, /terraform -chdir=monitoring\/datadog init -backend=false -input=false && terraform -chdir=monitoring\/datadog validate/);
    // Modules are validated through the roots that call them, never initialised on their own.
    assert.doesNotMatch(terraform, /-chdir=infra\/modules\//);
    const tflint = section(script, 'check-tflint');
    assert.match(tflint, /tflint --chdir=infra --recursive/);
    assert.match(tflint, /tflint --chdir=monitoring\/datadog --recursive/);
  });

  test('with the Prometheus stack, only infra/ is Terraform', () => {
    const terraform = section(checkScript({ monitoring: 'prometheus-grafana' }), 'check-terraform');
    assert.doesNotMatch(terraform, /monitoring\//);
  });
});

describe('the Kubernetes checks', () => {
  const section = (script: string, id: string) => script.slice(script.indexOf(`  ${id})`), script.indexOf(';;', script.indexOf(`  ${id})`)));

  test('kubectl kustomize builds the monitoring objects and every environment\'s datastore exporters, with the Helm chart as with Kustomize', () => {
    for (const orchestration of ['helm', 'kustomize'] as const) {
      const script = render({ orchestration, monitoring: 'prometheus-grafana', database: 'postgres' }).get('scripts/ci/check.sh');
      const kustomize = section(script, 'check-kustomize');
      assert.match(kustomize, /kubectl kustomize monitoring >\/dev\/null/, orchestration);
      for (const environment of base.environments) assert.match(kustomize, new RegExp(`kubectl kustomize monitoring/kubernetes/exporters/${environment} >/dev/null`), orchestration);
      assert.doesNotMatch(kustomize, /exporters\/base/, 'a base is built through its overlays');
    }
  });
});
