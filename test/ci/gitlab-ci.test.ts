/**
 * The GitLab pipeline's own promises: which pipelines exist (merge requests, deploy branches, `v*` tags, web
 * runs, no duplicates), builds and deploys never for merge requests or unprotected refs, production as a
 * blocking manual job with one deploy per environment at a time, id tokens for OIDC only where they are used,
 * coverage in GitLab's own report format, package caches inside the project, and the security checks with
 * planted cases that must fail.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { imageRef } from '../../lib/versions/index.js';
import { renderAnswers } from '../validation/generate.js';
import { serviceVariants } from '../validation/matrix.js';
import { evaluateIf, gitlabFindings, ruleOutcome } from './gitlab-ci-security.js';
import { gitlabCi as gitlabCiReader, gitlabJobs, parseGitlab } from './normalise/gitlab-ci.js';
import { tempDir } from '../helpers/folders.js';
import { gitlabCiSchema } from '../validation/validators/ci-schemas.js';
import { gitlabCiLocal } from '../validation/validators/gitlab-ci-local.js';
import { shopAnswers } from './answers.js';

const base: Answers = shopAnswers({ ci: 'gitlab-ci' });

const render = (answers: Partial<Answers> = {}) => {
  const files = new Map(renderAnswers({ ...base, ...answers }).map((file) => [file.path, file.contents]));
  const text = files.get('.gitlab-ci.yml') ?? assert.fail('.gitlab-ci.yml was not generated');
  return { files, text, pipeline: parseGitlab(text), jobs: gitlabJobs(text) };
};

type Variables = Record<string, string | undefined>;

/** The predefined variables GitLab sets for each kind of pipeline (the ones the rules read). */
const events: Record<string, Variables> = {
  'a push to main': { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main', CI_COMMIT_REF_NAME: 'main', CI_COMMIT_REF_PROTECTED: 'true', CI_PROJECT_ID: '7' },
  'a push to a feature branch': { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'feature', CI_COMMIT_REF_NAME: 'feature', CI_COMMIT_REF_PROTECTED: 'false', CI_PROJECT_ID: '7' },
  'a merge request from a feature branch': {
    CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature', CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '7', CI_PROJECT_ID: '7', CI_COMMIT_REF_NAME: 'feature', CI_COMMIT_REF_PROTECTED: 'false',
  },
  'a merge request from main of a fork': {
    CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'main', CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '99', CI_PROJECT_ID: '7', CI_COMMIT_REF_NAME: 'main', CI_COMMIT_REF_PROTECTED: 'true',
  },
  'a merge request from main of this project': {
    CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'main', CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '7', CI_PROJECT_ID: '7', CI_COMMIT_REF_NAME: 'main', CI_COMMIT_REF_PROTECTED: 'true',
  },
  'a v1.2.3 tag': { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: 'v1.2.3', CI_COMMIT_REF_NAME: 'v1.2.3', CI_COMMIT_REF_PROTECTED: 'true', CI_PROJECT_ID: '7' },
  'a run from the web on a feature branch': { CI_PIPELINE_SOURCE: 'web', CI_COMMIT_BRANCH: 'feature', CI_COMMIT_REF_NAME: 'feature', CI_COMMIT_REF_PROTECTED: 'false', CI_PROJECT_ID: '7' },
  'a run from the web on main': { CI_PIPELINE_SOURCE: 'web', CI_COMMIT_BRANCH: 'main', CI_COMMIT_REF_NAME: 'main', CI_COMMIT_REF_PROTECTED: 'true', CI_PROJECT_ID: '7' },
};

/** The jobs of one pipeline: undefined when workflow:rules create none; else each job's `when`. */
const pipelineFor = (pipeline: Record<string, unknown>, jobs: Map<string, Record<string, unknown>>, variables: Variables) => {
  const workflow = pipeline.workflow as { rules: unknown };
  const created = ruleOutcome(workflow.rules, variables);
  if (created === undefined || created === 'never') return undefined;
  const running = new Map<string, string>();
  for (const [id, job] of jobs) {
    const when = ruleOutcome(job.rules, variables);
    if (when !== undefined && when !== 'never') running.set(id, when);
  }
  return running;
};

describe('the GitLab CI/CD pipeline', () => {
  const { text, pipeline, jobs, files } = render();
  const job = (id: string) => jobs.get(id) ?? assert.fail(`no job ${id}`);
  const runs = (event: string) => pipelineFor(pipeline, jobs, events[event]);

  test('the rules evaluator reads GitLab expressions', () => {
    assert.equal(evaluateIf('$A == "x" && $B =~ /^v/', { A: 'x', B: 'v1' }), true);
    assert.equal(evaluateIf('$A == "x" && $B =~ /^v/', { A: 'x', B: 'w1' }), false);
    assert.equal(evaluateIf('$A == $B', { A: '1', B: '1' }), true);
    assert.equal(evaluateIf('$A || $B', { B: '' }), false);
    assert.equal(evaluateIf('$A != "merge_request_event"', {}), true);
  });

  test('pipelines exist for merge requests, deploy branches, v* tags and web runs, never twice for one change', () => {
    assert.ok(runs('a push to main'));
    assert.ok(runs('a merge request from a feature branch'));
    assert.ok(runs('a merge request from main of a fork'));
    assert.ok(runs('a v1.2.3 tag'));
    assert.ok(runs('a run from the web on a feature branch'));
    // The branch pipeline of the feature branch would repeat its merge request pipeline; main's branch pipeline already checks it.
    assert.equal(runs('a push to a feature branch'), undefined);
    assert.equal(runs('a merge request from main of this project'), undefined);
  });

  test('merge requests, feature branches and forks run checks only: no build, no deploy, no identity token', () => {
    for (const event of ['a merge request from a feature branch', 'a merge request from main of a fork', 'a run from the web on a feature branch']) {
      const running = runs(event)!;
      const unexpected = [...running.keys()].filter((id) => /^(build|deploy|smoke)-/.test(id) || Object.keys((job(id).id_tokens as object) ?? {}).length > 0);
      assert.deepEqual(unexpected, [], event);
      assert.ok(running.has('test-api-express') && running.has('scan-secrets'), event);
    }
  });

  test('main builds and deploys; production waits for someone to run it; a tag builds the release and deploys nothing', () => {
    const main = runs('a push to main')!;
    for (const id of ['build-api-express', 'deploy-staging', 'smoke-staging', 'smoke-production']) assert.equal(main.get(id), 'on_success', id);
    assert.equal(main.get('deploy-production'), 'manual');
    assert.deepEqual([...runs('a run from the web on main')!.keys()].filter((id) => id.startsWith('deploy-')), ['deploy-staging', 'deploy-production']);
    const tag = runs('a v1.2.3 tag')!;
    assert.ok(tag.has('build-api-express'));
    assert.deepEqual([...tag.keys()].filter((id) => /^(deploy|smoke)-/.test(id)), []);
    assert.equal((pipeline.workflow as { rules: { if: string; variables?: Record<string, string> }[] }).rules.find((rule) => /CI_COMMIT_TAG/.test(rule.if))?.variables?.CI_REF_TYPE, 'tag');
  });

  test('production is a blocking manual job in its protected environment; each environment deploys one run at a time', () => {
    const production = job('deploy-production');
    const rule = (production.rules as Record<string, unknown>[])[0];
    assert.equal(rule.when, 'manual');
    assert.equal(rule.allow_failure, false);
    assert.deepEqual(production.environment, { name: 'production', url: 'https://shop.acme.dev', deployment_tier: 'production', action: 'start' });
    for (const env of ['staging', 'production']) {
      assert.equal(job(`deploy-${env}`).resource_group, `deploy-${env}`);
      assert.equal(job(`deploy-${env}`).interruptible, false);
      // The smoke job reads the environment's variables without deploying to it: no second approval.
      assert.deepEqual(job(`smoke-${env}`).environment, { name: env, action: 'verify' });
    }
    assert.equal((production.variables as Record<string, string>).CI_ACTOR, '$GITLAB_USER_LOGIN');
    assert.match(text, /FREEZE_OVERRIDE_REASON:\n\s+value: ""\n\s+description: /);
    assert.match(files.get('docs/ci-cd.md')!, /POST[^`]*\/protected_environments/);
  });

  test('OIDC: build jobs sign keyless and log in to ECR; deploy and smoke jobs assume the deploy role; no stored keys', () => {
    for (const [id, candidate] of jobs) {
      const tokens = Object.keys((candidate.id_tokens as object) ?? {});
      if (/^build-/.test(id)) assert.deepEqual(tokens.sort(), ['AWS_ID_TOKEN', 'SIGSTORE_ID_TOKEN'], id);
      else if (/^(deploy|smoke)-/.test(id)) assert.deepEqual(tokens, ['AWS_ID_TOKEN'], id);
      else assert.deepEqual(tokens, [], id);
    }
    assert.deepEqual((job('build-api-express').id_tokens as Record<string, unknown>).SIGSTORE_ID_TOKEN, { aud: 'sigstore' });
    assert.ok((job('deploy-staging').before_script as string[]).some((line) => /AWS_WEB_IDENTITY_TOKEN_FILE/.test(line)));
    const gcp = render({ cloud: 'gcp', orchestration: 'kustomize', registry: 'europe-west1-docker.pkg.dev/acme/shop' });
    assert.deepEqual(gcp.jobs.get('deploy-staging')!.id_tokens, { GCP_ID_TOKEN: { aud: 'https://iam.googleapis.com/${GCP_WORKLOAD_IDENTITY_PROVIDER}' } });
    const azure = render({ cloud: 'azure', orchestration: 'none', registry: 'acme.azurecr.io/shop' });
    assert.ok((azure.jobs.get('deploy-staging')!.before_script as string[]).some((line) => /--federated-token "\$AZURE_ID_TOKEN"/.test(line)));
  });

  test('the GitLab registry is pushed to with the job token, other registries without an identity with a stored token', () => {
    const gitlab = render({ registry: 'registry.gitlab.com/acme/shop' });
    const build = gitlab.jobs.get('build-api-express')!;
    assert.ok((build.before_script as string[]).some((line) => /"\$CI_REGISTRY_PASSWORD" \| docker login --username "\$CI_REGISTRY_USER" --password-stdin registry\.gitlab\.com/.test(line)));
    assert.deepEqual(Object.keys(build.id_tokens as object), ['SIGSTORE_ID_TOKEN']);
    assert.match(gitlab.files.get('docs/ci-cd.md')!, /CI job token/);
    const ghcr = render({ registry: 'ghcr.io/acme' });
    assert.ok((ghcr.jobs.get('build-api-express')!.before_script as string[]).some((line) => /REGISTRY_PASSWORD.*ghcr\.io/.test(line)));
    assert.doesNotMatch(ghcr.files.get('docs/ci-cd.md')!, /packages: write/);
  });

  test('image jobs run the pinned Docker CLI against a Docker-in-Docker service of the same release, over TLS', () => {
    for (const id of ['image-test-api-express', 'build-api-express']) {
      const candidate = job(id);
      assert.equal(candidate.image, imageRef('docker-cli'));
      assert.deepEqual(candidate.services, [{ name: imageRef('docker-dind'), alias: 'docker' }]);
      assert.equal((candidate.variables as Record<string, string>).DOCKER_HOST, 'tcp://docker:2376');
      assert.equal((candidate.variables as Record<string, string>).DOCKER_TLS_CERTDIR, '/certs');
    }
    assert.equal(imageRef('docker-cli').split(':')[1].replace(/-cli$/, ''), imageRef('docker-dind').split(':')[1].replace(/-dind$/, ''));
    assert.deepEqual(job('build-api-express').artifacts, { paths: ['build/ci/digests/'], expire_in: '90 days' });
  });

  test('test jobs: datastores as aliased services, coverage in GitLab\'s report format, caches keyed on lockfiles inside the project', () => {
    const testJob = job('test-api-express');
    assert.deepEqual((testJob.services as { alias: string }[]).map((service) => service.alias), ['postgres', 'redis']);
    assert.match(String((testJob.variables as Record<string, string>).DATABASE_URL), /@postgres:5432\//);
    assert.deepEqual((testJob.artifacts as { reports: unknown }).reports, { coverage_report: { coverage_format: 'cobertura', path: 'services/api-express/coverage/cobertura-coverage.xml' } });
    assert.equal(testJob.coverage, '/coverage-gate: (\\d+)% of lines covered/');
    assert.ok(new RegExp(String(testJob.coverage).slice(1, -1)).test('coverage-gate: 91% of lines covered (10/11), threshold 80%'));
    for (const [id, candidate] of jobs) {
      if (!candidate.cache) continue;
      const cache = candidate.cache as { key: { files: string[]; prefix: string }; paths: string[] };
      assert.ok(cache.key.files.length >= 1 && cache.key.files.length <= 2, id);
      assert.equal(cache.key.prefix, id);
      for (const folder of cache.paths) assert.match(folder, /^\.cache\//, `${id}: GitLab caches only paths inside the project`);
    }
    const npmCache = render({ services: [serviceVariants[0]] }).jobs;
    for (const [, candidate] of npmCache) if (candidate.cache) assert.match(String((candidate.variables as Record<string, string>).npm_config_cache ?? '$CI_PROJECT_DIR/'), /^\$CI_PROJECT_DIR\//);
  });

  test('the secret scan reads the whole history; tool images run with their entrypoint cleared', () => {
    assert.deepEqual(job('scan-secrets').variables, { GIT_DEPTH: '0' });
    for (const id of ['scan-secrets', 'audit-dependencies', 'check-shell']) assert.deepEqual((job(id).image as { entrypoint: string[] }).entrypoint, ['']);
  });

  test('three environments: the first deploys from its own branch, main promotes the rest', () => {
    const three = render({ environments: ['dev', 'staging', 'production'] });
    assert.match(String((three.jobs.get('deploy-dev')!.rules as { if: string }[])[0].if), /\$CI_COMMIT_BRANCH == "dev"/);
    assert.match(String((three.jobs.get('deploy-staging')!.rules as { if: string }[])[0].if), /\$CI_COMMIT_BRANCH == "main"/);
    const dev = pipelineFor(three.pipeline, three.jobs, { ...events['a push to main'], CI_COMMIT_BRANCH: 'dev', CI_COMMIT_REF_NAME: 'dev' })!;
    assert.deepEqual([...dev.keys()].filter((id) => id.startsWith('deploy-')), ['deploy-dev']);
    assert.ok(!(three.jobs.get('deploy-staging')!.needs as string[]).includes('smoke-dev'));
  });

  test('passes the pipeline-security checks, in every shape', () => {
    assert.deepEqual(gitlabFindings(text), []);
    for (const answers of [
      { cloud: 'gcp', orchestration: 'helm', registry: 'europe-west1-docker.pkg.dev/acme/shop' },
      { cloud: 'azure', orchestration: 'kustomize', deployFreeze: 'none', registry: 'registry.gitlab.com/acme/shop' },
    ] as Partial<Answers>[]) {
      assert.deepEqual(gitlabFindings(render(answers).text), [], JSON.stringify(answers));
    }
  });
});

describe('GitLab pipeline-security checks fail on planted cases', () => {
  const clean = [
    'build-app:',
    '  image: docker:29.9.3-cli',
    '  rules:',
    '    - if: $CI_PIPELINE_SOURCE != "merge_request_event" && $CI_COMMIT_REF_PROTECTED == "true"',
    '  id_tokens:',
    '    SIGSTORE_ID_TOKEN:',
    '      aud: sigstore',
    '  script:',
    '    - sh scripts/ci/image.sh build app',
    'deploy-production:',
    '  image: alpine/k8s:1.36.6',
    '  rules:',
    '    - if: $CI_COMMIT_BRANCH == "main" && $CI_COMMIT_REF_PROTECTED == "true"',
    '      when: manual',
    '      allow_failure: false',
    '  environment:',
    '    name: production',
    '  resource_group: deploy-production',
    '  script:',
    '    - sh scripts/ci/deploy.sh production',
    'test-app:',
    '  image: node:24.19.0-trixie-slim',
    '  script:',
    '    - npm test',
    '',
  ].join('\n');
  test('a clean pipeline passes', () => assert.deepEqual(gitlabFindings(clean), []));
  const planted: Record<string, string> = {
    'a merge request title in a shell': clean.replace('    - npm test', '    - echo "$CI_MERGE_REQUEST_TITLE"'),
    'a branch name in a shell': clean.replace('    - npm test', '    - git checkout ${CI_COMMIT_REF_NAME}'),
    'a commit message in a shell': clean.replace('    - npm test', '    - echo $CI_COMMIT_MESSAGE'),
    'an input interpolated into a script': clean.replace('    - npm test', '    - npm test -- $[[ inputs.filter ]]'),
    'an image without a tag': clean.replace('node:24.19.0-trixie-slim', 'node'),
    'an image on latest': clean.replace('node:24.19.0-trixie-slim', 'node:latest'),
    'an unpinned service': clean.replace('test-app:\n', 'test-app:\n  services:\n    - name: postgres\n'),
    'long-lived AWS keys': clean.replace('    - sh scripts/ci/deploy.sh production', '    - export AWS_SECRET_ACCESS_KEY="$DEPLOY_KEY"\n    - sh scripts/ci/deploy.sh production'),
    'an Azure client secret': clean.replace('    - sh scripts/ci/deploy.sh production', '    - az login --service-principal -u "$AZURE_CLIENT_ID" -p "$AZURE_CLIENT_SECRET" --tenant "$AZURE_TENANT_ID"'),
    'a personal access token where the job token does': clean.replace('    - sh scripts/ci/image.sh build app', '    - echo "$GITLAB_TOKEN" | docker login -u me --password-stdin registry.gitlab.com'),
    'the job token in a job that pushes nothing': clean.replace('    - npm test', '    - echo "$CI_JOB_TOKEN" | docker login -u gitlab-ci-token --password-stdin registry.gitlab.com'),
    'an id token on a test job': clean.replace('test-app:\n', 'test-app:\n  id_tokens:\n    AWS_ID_TOKEN:\n      aud: sts.amazonaws.com\n'),
    'an id token reachable from merge requests': clean.replace('    - if: $CI_PIPELINE_SOURCE != "merge_request_event" && $CI_COMMIT_REF_PROTECTED == "true"', '    - if: $CI_COMMIT_REF_PROTECTED == "true"'),
    'a deploy from any branch': clean.replace('$CI_COMMIT_BRANCH == "main" && $CI_COMMIT_REF_PROTECTED == "true"', '$CI_COMMIT_BRANCH'),
    'production without the manual gate': clean.replace('      when: manual\n      allow_failure: false\n', ''),
    'production that does not block the pipeline': clean.replace('      allow_failure: false', '      allow_failure: true'),
    'production without a resource group': clean.replace('  resource_group: deploy-production\n', ''),
  };
  for (const [what, plantedText] of Object.entries(planted)) {
    test(what, () => assert.notDeepEqual(gitlabFindings(plantedText), [], plantedText));
  }
});

describe('a monorepo with more gates than GitLab allows needs', () => {
  // 30 services: about 70 lint, test, image-test and security jobs before the builds.
  const services = [...serviceVariants, ...serviceVariants.slice(0, 10).map((service) => ({ ...service, name: `${service.name}-2`, path: `${service.path}-2` }))];
  const text = renderAnswers(shopAnswers({ ci: 'gitlab-ci', services })).find((file) => file.path === '.gitlab-ci.yml')!.contents;

  test('the build jobs wait for every earlier stage instead of listing needs, and take no artifacts', () => {
    const build = gitlabJobs(text).get('build-web-react')!;
    assert.equal(build.needs, undefined);
    assert.deepEqual(build.dependencies, []);
    const normal = gitlabCiReader.read(new Map([['.gitlab-ci.yml', text]]), 'production');
    const gates = normal.jobs.filter((job) => /^(lint|check|test|image-test|audit|scan)-/.test(job.id)).map((job) => job.id);
    assert.ok(gates.length > 50, `${gates.length} gates`);
    assert.deepEqual([...normal.jobs.find((job) => job.id === 'build-web-react')!.after].sort(), [...gates].sort());
  });

  test("GitLab's schema and gitlab-ci-local accept it", () => {
    const file = path.join(tempDir(), '.gitlab-ci.yml');
    writeFileSync(file, text);
    for (const validator of [gitlabCiSchema, gitlabCiLocal]) assert.deepEqual(validator.check([file]), [], validator.name);
  });
});
