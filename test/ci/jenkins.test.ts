/**
 * The Jenkins pipeline's own promises, on the generated Jenkinsfile: a stage-level input restricted to the
 * team before production, one lock per environment, deploys and builds never for change requests, no OIDC
 * but no stored cloud keys either, coverage published with the Coverage plugin, package caches keyed on the
 * lock files, and the pipeline-security checks (with planted cases that must fail).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { agentLabels, deployLock } from '../../lib/areas/ci/platforms/jenkins.js';
import { firstString, type Statement, statementName } from '../validation/validators/groovy-scan.js';
import { jenkinsfileStructureProblems } from '../validation/validators/jenkinsfile.js';
import { renderAnswers } from '../validation/generate.js';
import { jenkinsfileFindings } from './jenkins-security.js';
import { jenkins } from './normalise/jenkins.js';
import { pipelineStages, shellLines } from './normalise/jenkins.js';
import { shopAnswers } from './answers.js';

const base: Answers = shopAnswers({ ci: 'jenkins' });

const render = (answers: Partial<Answers> = {}) => {
  const byPath = new Map(renderAnswers({ ...base, ...answers }).map((file) => [file.path, file.contents]));
  const get = (file: string) => byPath.get(file) ?? assert.fail(`${file} was not generated`);
  return { get, jenkinsfile: get('Jenkinsfile') };
};

const flatten = (statements: Statement[]): Statement[] => statements.flatMap((statement) => [statement, ...(statement.block ? flatten(statement.block) : [])]);

/** Every stage of the file by name, nested ones included. */
const stagesOf = (text: string) => {
  const all = new Map<string, Statement>();
  const visit = (stage: Statement) => {
    all.set(firstString(stage) ?? '', stage);
    for (const inner of flatten(stage.block ?? [])) if (statementName(inner) === 'stage' && inner.block && inner !== stage && !all.has(firstString(inner) ?? '')) visit(inner);
  };
  for (const stage of pipelineStages(text)) visit(stage);
  return all;
};

const directive = (stage: Statement, name: string) => (stage.block ?? []).find((statement) => statementName(statement) === name && statement.block);
/** A block's text as its tokens, for matching: `when { not { changeRequest ( ) } }` reads `not changeRequest ( )`. */
const textOf = (statement: Statement | undefined) =>
  statement ? flatten(statement.block ?? []).map((inner) => inner.tokens.map((token) => (token.kind === 'string' ? `${token.quote}${token.text}${token.quote}` : token.text)).join(' ')).join('\n') : '';

describe('the Jenkins pipeline', () => {
  const { get, jenkinsfile } = render();
  const stages = stagesOf(jenkinsfile);
  const stage = (name: string) => stages.get(name) ?? assert.fail(`no stage ${name}`);

  test('the top-level agent is none, and every stage names its own agent by a label of agentLabels()', () => {
    assert.match(jenkinsfile, /^pipeline \{\n {2}\/\/[^\n]*\n {2}agent none$/m);
    const labels = agentLabels('shop');
    const leaves = [...stages.values()].filter((candidate) => directive(candidate, 'steps'));
    for (const leaf of leaves) {
      const label = firstString(flatten(directive(leaf, 'agent')?.block ?? []).find((statement) => statementName(statement) === 'label') ?? { tokens: [], line: 0 });
      const name = firstString(leaf)!;
      const expected = /^(deploy|smoke)-/.test(name) ? labels.deploy(name.replace(/^(deploy|smoke)-/, '')) : name.startsWith('build-') ? labels.build : labels.docker;
      assert.equal(label, expected, name);
    }
  });

  test('production waits for an input restricted to the team, which records the approver; nothing else asks', () => {
    const production = stage('production');
    const input = textOf(directive(production, 'input'));
    assert.match(input, /^submitter 'platform'$/m);
    assert.match(input, /^submitterParameter 'CI_ACTOR'$/m);
    assert.match(input, /^ok 'Deploy'$/m);
    const inputs = [...stages.values()].filter((candidate) => directive(candidate, 'input'));
    assert.deepEqual(inputs.map((candidate) => firstString(candidate)), ['production']);
    assert.equal((jenkinsfile.match(/\binput\b/g) ?? []).length, 1 + (jenkinsfile.match(/\/\/[^\n]*\binput\b/g) ?? []).length);
    // The input and the lock wait without an agent: the production stage's agents are its nested stages'.
    assert.equal(directive(production, 'agent'), undefined);
    // The freeze check reads the reason from the run's parameter.
    assert.match(jenkinsfile, /string\(name: 'FREEZE_OVERRIDE_REASON', defaultValue: '', trim: true/);
    assert.doesNotMatch(render({ deployFreeze: 'none' }).jenkinsfile, /FREEZE_OVERRIDE_REASON|freeze-check/);
  });

  test('one lock per environment around its deploy and smoke test; the approval times out', () => {
    for (const env of ['staging', 'production']) {
      const options = textOf(directive(stage(env), 'options'));
      assert.match(options, new RegExp(`^lock \\( resource : '${deployLock('shop', env)}' \\)$`, 'm'), env);
      assert.deepEqual(
        (directive(stage(env), 'stages')!.block ?? []).map((inner) => firstString(inner)),
        [`deploy-${env}`, `smoke-${env}`],
      );
    }
    assert.match(textOf(directive(stage('production'), 'options')), /^timeout \( time : 1 , unit : 'DAYS' \)$/m);
    assert.match(jenkinsfile, /^ {4}disableConcurrentBuilds\(\)$/m);
  });

  test('deploys only from their branch and never for change requests; builds never for change requests', () => {
    const three = stagesOf(render({ environments: ['dev', 'staging', 'production'] }).jenkinsfile);
    for (const [env, branch] of [['dev', 'dev'], ['staging', 'main'], ['production', 'main']]) {
      const when = textOf(directive(three.get(env)!, 'when'));
      assert.match(when, /^beforeOptions true$/m, env);
      assert.match(when, new RegExp(`^branch '${branch}'$`, 'm'), env);
      assert.match(when, /^changeRequest \( \)$/m, env);
    }
    const build = textOf(directive(three.get('Build')!, 'when'));
    assert.match(build, /^beforeAgent true$/m);
    assert.match(build, /^changeRequest \( \)$/m);
    assert.match(build, /^branch 'main'\nbranch 'dev'\ntag 'v\*'$/m);
    for (const gate of ['Lint', 'Test', 'Security']) assert.equal(directive(three.get(gate)!, 'when'), undefined, gate);
  });

  test('every deploy unstashes every digest the build stages stashed', () => {
    const images = [...stages.keys()].filter((name) => name.startsWith('build-')).map((name) => name.slice('build-'.length));
    assert.ok(images.length >= 2);
    for (const image of images) {
      assert.match(textOf(directive(stage(`build-${image}`), 'steps')), new RegExp(`^stash name : 'digest-${image}' , includes : 'build/ci/digests/${image}\\*'$`, 'm'));
      for (const env of ['staging', 'production']) assert.match(textOf(directive(stage(`deploy-${env}`), 'steps')), new RegExp(`^unstash 'digest-${image}'$`, 'm'));
    }
  });

  test('no OIDC and no stored cloud key: the build agents log in with their own identity, a robot account only where the registry needs one', () => {
    assert.equal(jenkins.oidc, false);
    assert.match(get('docs/ci-cd.md'), /no OpenID Connect issuer[\s\S]*IRSA[\s\S]*Workload Identity[\s\S]*managed identity[\s\S]*COSIGN_KEY=awskms/);
    assert.match(textOf(directive(stage('build-api-express'), 'steps')), /aws ecr get-login-password --region eu-west-1 \| docker login --username AWS --password-stdin 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/);
    assert.doesNotMatch(jenkinsfile, /withCredentials|credentials\(/);
    const ghcr = render({ registry: 'ghcr.io/acme' });
    const ghcrStages = stagesOf(ghcr.jenkinsfile);
    const binding = [...ghcrStages.entries()].filter(([, candidate]) => directive(candidate, 'steps') && /withCredentials/.test(textOf(directive(candidate, 'steps'))));
    assert.ok(binding.length > 0 && binding.every(([name]) => name.startsWith('build-')), binding.map(([name]) => name).join(', '));
    assert.match(ghcr.jenkinsfile, /withCredentials\(\[usernamePassword\(credentialsId: 'registry-push', usernameVariable: 'REGISTRY_USERNAME', passwordVariable: 'REGISTRY_PASSWORD'\)\]\) \{\n\s+sh 'printf \\'%s\\' "\$REGISTRY_PASSWORD" \| docker login --username "\$REGISTRY_USERNAME" --password-stdin ghcr\.io'/);
    assert.match(ghcr.get('docs/ci-cd.md'), /Jenkins credential `registry-push`/);
    const azure = render({ cloud: 'azure', orchestration: 'kustomize', registry: 'acme.azurecr.io/shop' });
    assert.match(azure.jenkinsfile, /az login --service-principal --username "\$AZURE_CLIENT_ID" --tenant "\$AZURE_TENANT_ID" --federated-token "\$\(cat "\$AZURE_FEDERATED_TOKEN_FILE"\)"/);
    assert.match(azure.jenkinsfile, /az login --identity --output none[\s\S]*az acr login --name acme/);
  });

  test('the scripts get CI_COMMIT, CI_REF_TYPE, CI_REF_NAME and CI_RUN_NUMBER from Jenkins', () => {
    assert.match(jenkinsfile, /CI_REF_TYPE = "\$\{env\.TAG_NAME \? 'tag' : 'branch'\}"\n\s+CI_REF_NAME = "\$\{env\.TAG_NAME \?: env\.BRANCH_NAME\}"\n\s+CI_RUN_NUMBER = "\$\{env\.BUILD_NUMBER\}"/);
    for (const name of ['image-test-api-express', 'build-api-express', 'deploy-staging', 'deploy-production']) {
      assert.match(textOf(directive(stage(name), 'environment')), /^CI_COMMIT = "GROOVY_VALUE"$/m, name);
    }
  });

  test('coverage is gated by the shared script and published with the Coverage plugin in its native format', () => {
    const shapes = [render(), render({ coverageThreshold: '65' })];
    for (const [index, { jenkinsfile: file }] of shapes.entries()) {
      const threshold = index === 0 ? 80 : 65;
      for (const [name, candidate] of stagesOf(file)) {
        if (!name.startsWith('test-')) continue;
        const lines = shellLines(directive(candidate, 'steps')!.block!);
        const post = textOf(directive(candidate, 'post'));
        if (/coverage is not measured/.test(textOf(directive(candidate, 'steps')))) continue;
        assert.ok(lines.some((line) => new RegExp(`coverage-gate\\.sh ${threshold} `).test(line)), name);
        assert.match(post, /recordCoverage \( id : 'coverage-[a-z-]+' , name : '[^']+' , tools : \[ \[ parser : '(COBERTURA|JACOCO|LCOV)' , pattern : 'services\/[a-z-]+\/[^']+' \] \] \)/, name);
      }
    }
    assert.match(jenkinsfile, /parser: 'COBERTURA', pattern: 'services\/api-go\/coverage\.xml'/);
  });

  test('datastores run as sidecars on a network of their own, reached by their names; they are waited for', () => {
    const steps = textOf(directive(stage('test-api-express'), 'steps'));
    assert.match(steps, /docker network create "ci-\$\(cat \/proc\/sys\/kernel\/random\/uuid\)"/);
    assert.match(steps, /docker \. image \( 'postgres:[^']+' \) \. withRun \( "--network GROOVY_VALUE --network-alias postgres [^"]*POSTGRES_HOST_AUTH_METHOD=trust" \)/);
    assert.match(steps, /until docker exec "\$POSTGRES_CONTAINER" pg_isready --host 127\.0\.0\.1 --port 5432/);
    assert.match(steps, /inside \( "--network GROOVY_VALUE --user 0:0" \)/);
    assert.match(steps, /docker network rm "\$CI_NETWORK"/);
    assert.match(textOf(directive(stage('test-api-express'), 'environment')), /^DATABASE_URL = 'postgresql:\/\/app@postgres:5432\/shop'$/m);
  });

  test('package caches are keyed on the lock files, live outside the checkout and are seeded from main', () => {
    const steps = textOf(directive(stage('lint-api-express'), 'steps'));
    assert.match(jenkinsfile, /cache\(maxCacheSize: 2048, defaultBranch: 'main', caches: \[\n\s+arbitraryFileCache\(cacheName: 'lint-api-express-npm'/);
    assert.match(steps, /arbitraryFileCache \( cacheName : 'lint-api-express-npm' , path : "GROOVY_VALUE\/\.cache\/npm" , cacheValidityDecidingFile : 'services\/api-express\/package\.json' \)/);
    assert.match(textOf(directive(stage('lint-api-express'), 'environment')), /^npm_config_cache = "GROOVY_VALUE\/\.cache\/npm"$/m);
    assert.match(jenkinsfile, /npm_config_cache = "\$\{env\.WORKSPACE_TMP\}\/\.cache\/npm"/);
  });

  test('tool images run with their entrypoint turned off; the checks and scans run check.sh', () => {
    for (const id of ['check-shell', 'audit-dependencies', 'scan-secrets', 'scan-iac']) {
      assert.match(textOf(directive(stage(id), 'agent')), /^args '--entrypoint='$/m, id);
      assert.deepEqual(shellLines(directive(stage(id), 'steps')!.block!), [`sh scripts/ci/check.sh ${id}`]);
    }
  });

  test('passes the structure check and the pipeline-security checks in every shape', () => {
    const shapes: Partial<Answers>[] = [
      {},
      { cloud: 'gcp', orchestration: 'none', strategy: 'canary', environments: ['dev', 'staging', 'production'], registry: 'europe-west1-docker.pkg.dev/acme/shop' },
      { cloud: 'azure', orchestration: 'kustomize', strategy: 'blue-green', deployFreeze: 'none', registry: 'acme.azurecr.io/shop' },
      { registry: 'ghcr.io/acme', database: 'mongodb', cache: 'none' },
      { registry: 'registry.example.com/acme', database: 'mysql', environments: ['production'] },
    ];
    for (const answers of shapes) {
      const file = render(answers).jenkinsfile;
      assert.deepEqual(jenkinsfileStructureProblems('Jenkinsfile', file), [], JSON.stringify(answers));
      assert.deepEqual(jenkinsfileFindings(file), [], JSON.stringify(answers));
    }
  });

  describe('the pipeline-security checks reject planted problems', () => {
    const planted: [string, (file: string) => string, RegExp][] = [
      ['a pull request title in a shell step', (file) => file.replace("sh 'sh scripts/ci/check.sh check-shell'", 'sh "echo ${env.CHANGE_TITLE}"'), /interpolates into the script of a sh step/],
      ['a branch name in a shell step', (file) => file.replace("sh 'sh scripts/ci/deploy.sh staging'", 'sh "sh scripts/ci/deploy.sh ${env.BRANCH_NAME}"'), /interpolates into the script of a sh step/],
      [
        'a secret pasted into a shell step',
        (file) => file.replace("sh 'sh scripts/ci/image.sh release api-go'", "withCredentials([string(credentialsId: 'token', variable: 'TOKEN')]) {\n              sh \"\"\"curl -H 'Authorization: Bearer ${TOKEN}' https://example.com\"\"\"\n            }"),
        /interpolates into the script of a sh step/,
      ],
      ['an interpolated sh(script:)', (file) => file.replace("sh 'sh scripts/ci/check.sh scan-iac'", 'sh(script: "trivy ${params.FREEZE_OVERRIDE_REASON}", label: \'scan\')'), /interpolates/],
      ['an unpinned :latest image', (file) => file.replace(/image 'hadolint\/hadolint:[^']+'/, "image 'hadolint/hadolint:latest'"), /'hadolint\/hadolint:latest' is not pinned/],
      ['an image without a tag', (file) => file.replace(/docker\.image\('postgres:[^']+'\)/, "docker.image('postgres')"), /'postgres' is not pinned/],
      ['long-lived AWS keys', (file) => file.replace('    CI_RUN_NUMBER =', "    AWS_SECRET_ACCESS_KEY = credentials('aws-secret')\n    CI_RUN_NUMBER ="), /long-lived AWS access keys[\s\S]*credentials\(\) in the top-level environment/],
      ['a Google service-account key', (file) => file.replace("sh 'sh scripts/ci/deploy.sh staging'", "sh 'gcloud auth activate-service-account --key-file \"$KEY\"'"), /service-account key/],
      ['credentials bound where pull requests run', (file) => file.replace("sh 'sh scripts/ci/check.sh check-shell'", "withCredentials([string(credentialsId: 'token', variable: 'TOKEN')]) {\n              sh 'true'\n            }"), /stage 'check-shell' binds credentials for pull requests/],
      ['a build stage that runs for pull requests', (file) => file.replace(/\n {8}not \{\n {10}changeRequest\(\)\n {8}\}\n {8}anyOf/, '\n        anyOf'), /stage 'build-api-go' runs on the 'shop-image-build' agents for pull requests/],
      ['agent any at the top', (file) => file.replace('  agent none', '  agent any'), /top-level agent is not `none`/],
      ['an approval anyone may give', (file) => file.replace("        submitter 'platform'\n", ''), /input names no submitter/],
    ];
    const { jenkinsfile: file } = render();
    for (const [what, plant, pattern] of planted) {
      test(what, () => {
        const broken = plant(file);
        assert.notEqual(broken, file, `the plant of '${what}' changed nothing`);
        assert.match(jenkinsfileFindings(broken).join('\n'), pattern);
      });
    }
  });
});
