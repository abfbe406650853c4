/**
 * The CI pipeline validators: each passes a valid sample of its platform and fails each kind of broken input,
 * including its tool crashing, missing or printing something it does not print.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir, writeTree } from '../helpers/folders.js';
import { withExported } from '../helpers/tools.js';
import { actionlint, actionlintFindings } from './validators/actionlint.js';
import {
  azureShellBlocks,
  checkShellBlocks,
  ciShellBlocks,
  circleciShellBlocks,
  gitlabShellBlocks,
  jenkinsShellBlocks,
  shellcheckBlockFindings,
} from './validators/ci-shell-blocks.js';
import { azurePipelinesSchema, circleciConfigSchema, githubWorkflowSchema, gitlabCiSchema } from './validators/ci-schemas.js';
import { gitlabCiLocal, gitlabCiLocalRunProblems, previewProblems } from './validators/gitlab-ci-local.js';
import { groovyLint, groovyLintFindings, jenkinsfileStructure, jenkinsfileStructureProblems } from './validators/jenkinsfile.js';
import { scanGroovy } from './validators/groovy-scan.js';
import { validators } from './validators/index.js';
import type { Validator } from './validators/types.js';

const workflow = `name: ci
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Test
        run: |
          set -euo pipefail
          echo "testing $GITHUB_SHA"
          ./scripts/test.sh
`;

const gitlab = `stages: [build, test, deploy]
include:
  - local: ci/lint.yml
default:
  before_script:
    - echo "pipeline $CI_PIPELINE_ID of $CI_PROJECT_PATH"
.deploy:
  script:
    - ./scripts/deploy.sh "$DEPLOY_ENV"
build:
  stage: build
  script: |
    set -eu
    mkdir -p dist
    echo "built $CI_COMMIT_SHORT_SHA" > dist/version.txt
  artifacts:
    paths: [dist/]
test:
  stage: test
  needs: [build]
  script:
    - ./scripts/test.sh
    - [echo nested, echo list]
deploy-production:
  extends: .deploy
  stage: deploy
  variables:
    DEPLOY_ENV: production
  when: manual
  after_script:
    - !reference [.deploy, script]
`;

const jenkinsfile = `// pipeline { agnet any } in a comment, and braces in strings, must not confuse the structure check
pipeline {
  agent any
  options { timeout(time: 30, unit: 'MINUTES') }
  environment { IMAGE = "registry.example.com/acme/app" }
  stages {
    stage('Build') {
      steps {
        sh '''
          set -eu
          echo "stage('x') { }"
          make build
        '''
      }
    }
    stage('Checks') {
      parallel {
        stage('Unit') { steps { sh 'make test' } }
        stage('Lint') { steps { sh "make lint IMAGE=\${env.IMAGE}" } }
      }
    }
    stage('Deploy production') {
      input {
        message 'Deploy to production?'
        submitter 'release-managers'
      }
      steps {
        sh(script: """
          ./scripts/deploy.sh production "\${IMAGE}:\${env.GIT_COMMIT}"
        """, label: 'deploy')
      }
    }
  }
  post {
    always { echo 'done' }
  }
}
`;

const circleci = `version: 2.1
parameters:
  deploy-env:
    type: string
    default: staging
jobs:
  build:
    docker:
      - image: cimg/node:20.11
    steps:
      - checkout
      - run: npm ci
      - run:
          name: Test
          command: |
            echo "env << pipeline.parameters.deploy-env >>"
            npm test
workflows:
  main:
    jobs: [build]
`;

const azure = `trigger:
  branches:
    include: [main]
pool:
  vmImage: ubuntu-latest
variables:
  imageTag: $(Build.BuildId)
stages:
  - stage: build
    jobs:
      - job: build
        timeoutInMinutes: 10
        steps:
          - checkout: self
            fetchDepth: 0
          - script: echo "building $(Build.BuildId) for \${{ variables.imageTag }}"
            displayName: Build
          - bash: |
              set -euo pipefail
              ./scripts/test.sh "$(imageTag)"
            displayName: Test
          - task: Bash@3
            inputs:
              targetType: inline
              script: echo "tag $(imageTag)"
          - task: AzureCLI@2
            inputs:
              azureSubscription: registry
              scriptType: bash
              scriptLocation: inlineScript
              addSpnToEnvironment: true
              allowNoSubscriptions: true
              inlineScript: az acr login --name shop
          - task: AWSShellScript@1
            inputs:
              awsCredentials: staging
              regionName: eu-west-1
              scriptType: inline
              inlineScript: aws sts get-caller-identity
          - task: PublishCodeCoverageResults@2
            target: host
            inputs:
              summaryFileLocation: coverage.xml
`;

const sampleTree = {
  '.github/workflows/ci.yml': workflow,
  '.gitlab-ci.yml': gitlab,
  'ci/lint.yml': 'lint:\n  stage: test\n  script:\n    - ./scripts/lint.sh\n',
  'scripts/test.sh': '#!/bin/sh\necho test\n',
  'scripts/deploy.sh': '#!/bin/sh\necho "deploy $1"\n',
  Jenkinsfile: jenkinsfile,
  '.circleci/config.yml': circleci,
  'azure-pipelines.yml': azure,
};

/** Writes one file at `relative` in a fresh temp folder and returns its absolute path. */
const fileWith = (relative: string, contents: string): string => path.join(writeTree(tempDir(), { [relative]: contents }), relative);

const ciValidators = [actionlint, githubWorkflowSchema, gitlabCiSchema, circleciConfigSchema, azurePipelinesSchema, gitlabCiLocal, groovyLint, jenkinsfileStructure, ciShellBlocks];

describe('the CI validators are registered and pass valid samples', () => {
  // A validator in the matrix must match generated files: those of the platforms phase4 writes are there.
  test('the validators of the pipelines phase4 writes are in the matrix harness', () => {
    for (const validator of [actionlint, githubWorkflowSchema, gitlabCiSchema, gitlabCiLocal, circleciConfigSchema, azurePipelinesSchema, ciShellBlocks]) assert.ok(validators.includes(validator), validator.name);
  });

  const root = writeTree(tempDir(), sampleTree);
  for (const validator of ciValidators) {
    test(`${validator.name} passes the valid samples it applies to`, { timeout: 180_000 }, () => {
      const files = Object.keys(sampleTree).filter((file) => validator.applies(file));
      assert.ok(files.length > 0, `${validator.name} applies to no sample`);
      assert.deepEqual(validator.check(files.map((file) => path.join(root, file))), []);
    });
  }

  test('an empty list, a missing file and a folder fail every CI validator', { timeout: 60_000 }, () => {
    const dir = tempDir();
    for (const validator of ciValidators) {
      assert.notDeepEqual(validator.check([]), [], `${validator.name} passed no file`);
      assert.notDeepEqual(validator.check([path.join(dir, 'missing', path.basename(validator.mustReject.path))]), [], `${validator.name} passed a missing file`);
    }
    for (const validator of [actionlint, gitlabCiLocal, groovyLint, jenkinsfileStructure, ciShellBlocks]) {
      assert.notDeepEqual(validator.check([dir]), [], `${validator.name} passed a folder`);
    }
  });
});

const rejects = (validator: Validator, relative: string, contents: string, pattern?: RegExp) => {
  const problems = validator.check([fileWith(relative, contents)]);
  assert.notDeepEqual(problems, [], `${validator.name} accepted ${relative}:\n${contents}`);
  if (pattern) assert.match(problems.join('\n'), pattern);
  return problems;
};

describe('actionlint', () => {
  test('fails a broken workflow: undefined needs, untrusted input in run:, and shellcheck findings in run:', () => {
    rejects(actionlint, '.github/workflows/ci.yml', actionlint.mustReject.contents, /job-needs/);
    rejects(actionlint, '.github/workflows/ci.yml', actionlint.mustReject.contents, /potentially untrusted/);
    rejects(actionlint, '.github/workflows/ci.yml', workflow.replace('./scripts/test.sh', 'rm -rf $TARGET/*'), /SC2115/);
    rejects(actionlint, '.github/workflows/ci.yml', workflow.replace('runs-on:', 'runs_on:'));
    rejects(actionlint, '.github/workflows/ci.yml', '', /empty/);
  });

  test('a missing shellcheck is an error, never a silent pass', () => {
    const file = fileWith('.github/workflows/ci.yml', workflow);
    assert.throws(() => withExported('PATH', tempDir(), () => actionlint.check([file])), /'shellcheck' is not installed/);
  });

  test('a crash, a signal, output that is not its JSON, exit 2 or 3, or a failing exit status without findings fails', () => {
    const finding = '[{"message":"m","filepath":"ci.yml","line":1,"column":1,"kind":"syntax-check"}]';
    assert.deepEqual(actionlintFindings(['ci.yml'], { status: 0, stdout: '[]', output: '[]' }), []);
    assert.equal(actionlintFindings(['ci.yml'], { status: 1, stdout: finding, output: finding }, '/w').length, 1);
    const runs = {
      crash: { status: 2, stdout: '', output: 'panic: runtime error' },
      signal: { status: null, stdout: '[]', output: '' },
      'not JSON': { status: 0, stdout: 'no workflow files found', output: 'no workflow files found' },
      'JSON, not a list': { status: 0, stdout: '{}', output: '{}' },
      'exit 3 (could not read)': { status: 3, stdout: '', output: 'could not read "ci.yml"' },
      'exit 1 without findings': { status: 1, stdout: '[]', output: '[]' },
      'exit 0 with findings': { status: 0, stdout: finding, output: finding },
    };
    for (const [what, run] of Object.entries(runs)) assert.notDeepEqual(actionlintFindings(['ci.yml'], run), [], `${what} passed`);
  });
});

describe('schema validators', () => {
  const cases: [Validator, string, string, RegExp][] = [
    [githubWorkflowSchema, '.github/workflows/ci.yml', workflow.replace('steps:', 'stepz:'), /\/jobs\/test .*stepz/],
    [gitlabCiSchema, '.gitlab-ci.yml', gitlab.replace('when: manual', 'when: sometimes'), /\/deploy-production\/when must be equal to one of the allowed values/],
    [circleciConfigSchema, '.circleci/config.yml', circleci.replace('command: |', 'comand: |'), /\/jobs\/build\/steps\/2\/run/],
    [azurePipelinesSchema, 'azure-pipelines.yml', azure.replace('- script:', '- scrip:'), /\/stages\/0\/jobs\/0\/steps\/1/],
    [azurePipelinesSchema, 'azure-pipelines.yml', azure.replace('awsCredentials:', 'awsCredentialz:'), /\/stages\/0\/jobs\/0\/steps\/5/],
    [azurePipelinesSchema, 'azure-pipelines.yml', azure.replace('summaryFileLocation:', 'codeCoverageTool: Cobertura\n              summaryFileLocation:'), /\/stages\/0\/jobs\/0\/steps\/6/],
  ];
  for (const [validator, relative, broken, pattern] of cases) {
    test(`${validator.name}: schema errors with their path, YAML errors, duplicate keys, empty files and several documents fail`, () => {
      rejects(validator, relative, broken, pattern);
      rejects(validator, relative, 'a: [1\n', /YAML error/);
      rejects(validator, relative, 'name: a\nname: b\n', /Map keys must be unique/);
      rejects(validator, relative, '', /no YAML document|empty/);
      rejects(validator, relative, '# only a comment\n');
      rejects(validator, relative, 'a: 1\n---\nb: 2\n', /2 YAML documents/);
    });
  }
});

describe('gitlab-ci-local', () => {
  test('fails undefined needs and extends, a missing local include, an undeclared stage and a pipeline without jobs', { timeout: 120_000 }, () => {
    rejects(gitlabCiLocal, '.gitlab-ci.yml', gitlabCiLocal.mustReject.contents, /needs: \[compile\]/);
    rejects(gitlabCiLocal, '.gitlab-ci.yml', 'build:\n  extends: .nope\n  script: [make]\n', /\.nope/);
    rejects(gitlabCiLocal, '.gitlab-ci.yml', 'include:\n  - local: ci/missing.yml\nbuild:\n  script: [make]\n', /ci\/missing\.yml/);
    rejects(gitlabCiLocal, '.gitlab-ci.yml', 'stages: [build]\nbuild:\n  stage: release\n  script: [make]\n', /release/);
    rejects(gitlabCiLocal, '.gitlab-ci.yml', '', /no job/);
    rejects(gitlabCiLocal, '.gitlab-ci.yml', '.hidden:\n  script: [make]\n', /no job/);
  });

  test('copies the whole generated repository: a local include beside the pipeline is found', { timeout: 60_000 }, () => {
    const root = writeTree(tempDir(), { '.gitlab-ci.yml': 'include:\n  - local: ci/jobs.yml\n', 'ci/jobs.yml': 'lint:\n  script: [make lint]\n' });
    assert.deepEqual(gitlabCiLocal.check([path.join(root, '.gitlab-ci.yml')]), []);
  });

  test('a file not named .gitlab-ci.yml fails: gitlab-ci-local would not read it', () => {
    assert.notDeepEqual(gitlabCiLocal.check([fileWith('gitlab.yml', 'build:\n  script: [make]\n')]), []);
  });

  test('a failing exit status, a signal or an unexpected line on stderr fails; its timing lines do not', () => {
    const timing = 'parsing and downloads finished in 163 ms.\njson schema validated in 508 ms\n';
    assert.deepEqual(gitlabCiLocalRunProblems('run', { status: 0, stderr: timing, output: timing }), []);
    assert.notDeepEqual(gitlabCiLocalRunProblems('run', { status: 1, stderr: timing, output: timing }), []);
    assert.notDeepEqual(gitlabCiLocalRunProblems('run', { status: null, stderr: '', output: '' }), []);
    const fallback = `Using fallback git remote data\n  Command failed with exit code 2: git remote get-url origin\n${timing}`;
    assert.notDeepEqual(gitlabCiLocalRunProblems('run', { status: 0, stderr: fallback, output: fallback }), []);
  });

  test('--preview output that is not a pipeline, or has no job, or a job in an undeclared stage fails', () => {
    assert.deepEqual(previewProblems('f', '---\nstages: [build]\nbuild:\n  stage: build\n  script: [make]\n'), []);
    assert.notDeepEqual(previewProblems('f', 'a: [1'), []);
    assert.notDeepEqual(previewProblems('f', 'just text'), []);
    assert.notDeepEqual(previewProblems('f', 'stages: [build]\n'), []);
    assert.notDeepEqual(previewProblems('f', 'stages: [build]\nx:\n  stage: deploy\n  script: [make]\n'), []);
  });
});

describe('npm-groovy-lint', () => {
  test('lints many Jenkinsfiles in one run and maps an error back to its file', { timeout: 120_000 }, () => {
    const root = writeTree(tempDir(), { 'a/Jenkinsfile': jenkinsfile, 'b/Jenkinsfile': groovyLint.mustReject.contents, 'c/Jenkinsfile': jenkinsfile });
    const files = ['a', 'b', 'c'].map((dir) => path.join(root, dir, 'Jenkinsfile'));
    const problems = groovyLint.check(files);
    assert.ok(problems.length > 0, 'a Groovy syntax error passed');
    for (const problem of problems) assert.ok(problem.startsWith(`${files[1]}:`), problem);
  });

  test('a crash, output that is not its report, a wrong file count, an unknown file or a wrong exit status fails', () => {
    const report = (files: Record<string, unknown>, linted = 1) => JSON.stringify({ summary: { totalFilesLinted: linted }, files });
    const error = { line: 3, rule: 'NglParseError', severity: 'error', msg: 'Unexpected input' };
    const info = { line: 1, rule: 'CompileStatic', severity: 'info', msg: 'style' };
    const ok = report({ '/t/1/Jenkinsfile': { errors: [info] } });
    assert.deepEqual(groovyLintFindings(['J'], ['/t/1/Jenkinsfile'], { status: 0, stdout: ok, output: ok }), []);
    const failed = report({ '/t/1/Jenkinsfile': { errors: [error, info] } });
    assert.deepEqual(groovyLintFindings(['J'], ['/t/1/Jenkinsfile'], { status: 1, stdout: failed, output: failed }), ['J:3 NglParseError: Unexpected input']);
    const runs = {
      crash: { status: 1, stdout: '', output: 'Error: java not found' },
      signal: { status: null, stdout: ok, output: ok },
      'not its report': { status: 0, stdout: '{}', output: '{}' },
      'linted no file': { status: 0, stdout: report({}, 0), output: '' },
      'an unknown file': { status: 1, stdout: report({ '/elsewhere/Jenkinsfile': { errors: [error] } }), output: '' },
      'exit 1 without an error': { status: 1, stdout: ok, output: ok },
      'exit 0 with an error': { status: 0, stdout: failed, output: failed },
    };
    for (const [what, run] of Object.entries(runs)) {
      assert.notDeepEqual(groovyLintFindings(['J'], ['/t/1/Jenkinsfile'], run), [], `${what} passed`);
    }
  });
});

describe('jenkinsfile-structure', () => {
  const broken: Record<string, [string, RegExp]> = {
    'agnet any': [jenkinsfile.replace('  agent any', '  agnet any'), /no agent directive/],
    'no stages': ["pipeline {\n  agent any\n  post { always { echo 'x' } }\n}\n", /0 stages/],
    'empty stages': ['pipeline {\n  agent any\n  stages {\n  }\n}\n', /holds no stage/],
    'a stage without steps': [jenkinsfile.replace("stage('Build') {\n      steps {", "stage('Build') {\n      stepz {"), /stage\('Build'\) has none of steps/],
    'an empty parallel': [jenkinsfile.replace(/parallel \{[\s\S]*?\n {6}\}/, 'parallel {\n      }'), /parallel holds no stage/],
    'a production stage without input': [jenkinsfile.replace(/input \{[\s\S]*?\n {6}\}\n/, ''), /Deploy production.*without an input/],
    'an input without submitter': [jenkinsfile.replace("        submitter 'release-managers'\n", ''), /Deploy production.*without an input/],
    'an input step after the deploy': [
      jenkinsfile.replace(/input \{[\s\S]*?\n {6}\}\n/, '').replace("sh(script: \"\"\"", "sh 'echo go'\n        input message: 'OK?', submitter: 'ops'\n        sh(script: \"\"\""),
      /without an input/,
    ],
    'no pipeline': ["node {\n  sh 'make'\n}\n", /0 top-level 'pipeline \{' blocks/],
    'an unclosed brace': [jenkinsfile.replace(/\}\n$/, ''), /never closed/],
    'an unterminated string': [jenkinsfile.replace("sh 'make test'", "sh 'make test"), /unterminated/],
  };
  for (const [what, [contents, pattern]] of Object.entries(broken)) {
    test(`fails ${what}`, () => {
      assert.match(jenkinsfileStructureProblems('Jenkinsfile', contents).join('\n'), pattern);
    });
  }

  test('an input step with a submitter before the deploy, and an approval on a parent stage, pass', () => {
    const stepGate = jenkinsfile.replace(/input \{[\s\S]*?\n {6}\}\n/, '').replace('sh(script: """', "input message: 'OK?', submitter: 'ops'\n        sh(script: \"\"\"");
    assert.deepEqual(jenkinsfileStructureProblems('Jenkinsfile', stepGate), []);
    const nested = `pipeline {
  agent none
  stages {
    stage('Production') {
      agent any
      input { message 'Go?'; submitter 'ops' }
      stages {
        stage('Deploy') { steps { sh './deploy.sh' } }
      }
    }
  }
}
`;
    assert.deepEqual(jenkinsfileStructureProblems('Jenkinsfile', nested), []);
  });

  test('braces, keywords and quotes inside strings, GStrings and comments do not confuse the scanner', () => {
    const tricky = jenkinsfile.replace(
      "sh 'make test'",
      `sh "echo \${env.X ?: "}"} '{' " // } stages {\n        /* stage('x') { */ sh 'echo \\'' + "'"`,
    );
    assert.deepEqual(jenkinsfileStructureProblems('Jenkinsfile', tricky), []);
    const strings = scanGroovy(`sh """a \${b ? "}" : '{'} \\$HOME $c.d"""`).tokens.filter((token) => token.kind === 'string');
    assert.deepEqual(strings.map((token) => token.text), ['a GROOVY_VALUE $HOME GROOVY_VALUE']);
  });
});

describe('ci-shell-blocks', () => {
  test('finds the blocks of each platform, with their names', () => {
    const root = writeTree(tempDir(), sampleTree);
    const names = (extraction: { blocks: { name: string }[]; problems: string[] }) => {
      assert.deepEqual(extraction.problems, []);
      return extraction.blocks.map((block) => block.name);
    };
    assert.deepEqual(names(gitlabShellBlocks(path.join(root, '.gitlab-ci.yml'))), [
      'default: before_script',
      'job .deploy: script',
      'job build: script',
      'job test: script',
      // deploy-production's after_script is only a !reference: checked where it is defined
    ]);
    assert.deepEqual(names(circleciShellBlocks(path.join(root, '.circleci/config.yml'))), ['jobs.build.steps[1].run', 'jobs.build.steps[2].run']);
    assert.deepEqual(names(azureShellBlocks(path.join(root, 'azure-pipelines.yml'))), [
      'stages[0].jobs[0].steps[1].script (Build)',
      'stages[0].jobs[0].steps[2].bash (Test)',
      'stages[0].jobs[0].steps[3].task Bash@3 inputs.script',
      'stages[0].jobs[0].steps[4].task AzureCLI@2 inputs.inlineScript',
      'stages[0].jobs[0].steps[5].task AWSShellScript@1 inputs.inlineScript',
    ]);
    const jenkins = jenkinsShellBlocks(path.join(root, 'Jenkinsfile'));
    assert.deepEqual(jenkins.problems, []);
    assert.deepEqual(jenkins.blocks.map((block) => [block.line, block.shell]), [[9, 'sh'], [18, 'sh'], [19, 'sh'], [28, 'sh']]);
    assert.match(jenkins.blocks[3].script, /deploy\.sh production "GROOVY_VALUE:GROOVY_VALUE"/);
  });

  test('platform template syntax is replaced, not reported', () => {
    const root = writeTree(tempDir(), sampleTree);
    const scripts = [
      ...azureShellBlocks(path.join(root, 'azure-pipelines.yml')).blocks,
      ...circleciShellBlocks(path.join(root, '.circleci/config.yml')).blocks,
    ].map((block) => block.script);
    assert.match(scripts.join('\n'), /PIPELINE_VALUE/);
    assert.doesNotMatch(scripts.join('\n'), /\$\(Build|\$\{\{|<</);
  });

  const broken: [string, string, string, RegExp][] = [
    ['GitLab hidden job', '.gitlab-ci.yml', gitlab.replace('./scripts/deploy.sh "$DEPLOY_ENV"', 'rm -rf $TARGET/*'), /job \.deploy: script: line 1 of the script: SC2115/],
    // GitLab's runner runs scripts under `set -eo pipefail`: a bare `cd` that fails stops the job (no SC2164 there).
    ['GitLab default:', '.gitlab-ci.yml', gitlab.replace('- echo "pipeline', '- rm -rf $DIR/*\n    - echo "pipeline'), /default: before_script: line 1 of the script: SC2115/],
    ['GitLab multi-line string', '.gitlab-ci.yml', gitlab.replace('mkdir -p dist', '[ $x == 1 ]'), /job build: script: line 2 of the script: SC3014|SC2039|SC2086|SC2154/],
    ['CircleCI run: {command:}', '.circleci/config.yml', circleci.replace('npm test', 'rm -rf $OUT/*'), /jobs\.build\.steps\[2\]\.run: line 2 of the script: SC2115/],
    ['CircleCI run: string', '.circleci/config.yml', circleci.replace('- run: npm ci', '- run: cd $HOME/app'), /jobs\.build\.steps\[1\]\.run: line 1 of the script: SC2164/],
    ['Azure bash:', 'azure-pipelines.yml', azure.replace('./scripts/test.sh', 'rm -rf $OUT/*; ./scripts/test.sh'), /steps\[2\]\.bash \(Test\): line 2 of the script: SC2115/],
    ['Azure Bash@3', 'azure-pipelines.yml', azure.replace('script: echo "tag $(imageTag)"', 'script: cd $HOME/x'), /Bash@3 inputs\.script: line 1 of the script: SC2164/],
    ['Azure AzureCLI@2 inline script', 'azure-pipelines.yml', azure.replace('az acr login --name shop', 'cd $HOME/x'), /AzureCLI@2 inputs\.inlineScript: line 1 of the script: SC2164/],
    ['AWSShellScript@1 inline script', 'azure-pipelines.yml', azure.replace('aws sts get-caller-identity', 'rm -rf $OUT/*'), /AWSShellScript@1 inputs\.inlineScript: line 1 of the script: SC2115/],
    ['Jenkins sh', 'Jenkinsfile', jenkinsfile.replace("sh 'make test'", "sh 'rm -rf $OUT/*'"), /Jenkinsfile:18 sh \(' string\): line 1 of the script: SC2115/],
    ['Jenkins sh """ (a bashism under sh)', 'Jenkinsfile', jenkinsfile.replace('./scripts/deploy.sh production', '[[ -n "$X" ]] && ./scripts/deploy.sh production'), /Jenkinsfile:28 sh \(""" string\).*SC3010/],
  ];
  for (const [what, relative, contents, pattern] of broken) {
    test(`reports a finding in a ${what} block`, () => {
      rejects(ciShellBlocks, relative, contents, pattern);
    });
  }

  test('GitLab blocks are checked as the runner runs them, under set -eo pipefail', () => {
    const dir = writeTree(tempDir(), { '.gitlab-ci.yml': 'build:\n  script:\n    - cd "$CI_PROJECT_DIR/app"\n    - make\n' });
    assert.deepEqual(ciShellBlocks.check([path.join(dir, '.gitlab-ci.yml')]), []);
  });

  test('a pipeline without any shell block, or a block that is not a string, fails', () => {
    rejects(ciShellBlocks, '.gitlab-ci.yml', 'build:\n  trigger: other/project\n', /no shell block/);
    rejects(ciShellBlocks, '.gitlab-ci.yml', 'build:\n  script: {a: 1}\n', /neither a string nor a list/);
    rejects(ciShellBlocks, 'Jenkinsfile', "pipeline {\n  agent any\n  stages { stage('a') { steps { sh cmd } } }\n}\n", /not a string literal/);
    rejects(ciShellBlocks, '.gitlab-ci.yml', 'build: [1\n', /YAML error/);
  });

  test('a crash, output that is not its JSON, an unknown file or a wrong exit status fails', () => {
    const block = { file: 'p.yml', name: 'job a: script', line: 3, script: 'echo', shell: 'bash' as const };
    const comment = JSON.stringify({ comments: [{ file: '/t/0001.sh', line: 2, column: 1, level: 'warning', code: 2115, message: 'm' }] });
    assert.deepEqual(shellcheckBlockFindings([block], ['/t/0001.sh'], { status: 0, stdout: '{"comments":[]}', output: '' }), []);
    assert.deepEqual(shellcheckBlockFindings([block], ['/t/0001.sh'], { status: 1, stdout: comment, output: '' }), [
      'p.yml:3 job a: script: line 1 of the script: SC2115 (warning): m',
    ]);
    const runs = {
      crash: { status: 2, stdout: '', output: 'shellcheck: internal error' },
      signal: { status: null, stdout: '{"comments":[]}', output: '' },
      'not JSON': { status: 0, stdout: 'ok', output: 'ok' },
      'no comments list': { status: 0, stdout: '[]', output: '[]' },
      'an unknown file': { status: 1, stdout: comment.replace('/t/0001.sh', '/x.sh'), output: '' },
      'exit 1 without a finding': { status: 1, stdout: '{"comments":[]}', output: '' },
      'exit 0 with a finding': { status: 0, stdout: comment, output: '' },
    };
    for (const [what, run] of Object.entries(runs)) assert.notDeepEqual(shellcheckBlockFindings([block], ['/t/0001.sh'], run), [], `${what} passed`);
  });

  test('a missing shellcheck is an error, never a silent pass', () => {
    const block = { file: 'p.yml', name: 'job a: script', line: 3, script: 'echo hi', shell: 'bash' as const };
    mkdirSync(path.join(tempDir(), 'empty'));
    assert.throws(() => withExported('PATH', tempDir(), () => checkShellBlocks([block])), /'shellcheck' is not installed/);
  });
});
