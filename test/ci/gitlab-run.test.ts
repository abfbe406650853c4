/**
 * The GitLab pipeline's jobs really run: the built CLI scaffolds the bundled sample app with `--ci gitlab-ci`,
 * and gitlab-ci-local 4.64.0 runs the API's test job (npm ci of the workspace, the tests under c8, the coverage
 * gate) and the shellcheck job of the lint stage on this machine with its shell executor. They pass; with one
 * assertion of the API's tests broken, the test job fails.
 *
 * What the shell executor changes, and nothing else: the jobs run on the host (its Node, its shellcheck), not in
 * their images; `services:` are dropped (no containers; the sample's API tests stub PostgreSQL and Redis); and
 * CI_PROJECT_DIR is set to the checkout, which gitlab-ci-local leaves at the container path `/builds/...` for
 * jobs that name an image. Needs the npm registry (npm ci, npx c8), nothing else.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { copyOf, tempDir } from '../helpers/folders.js';
import { sampleApp } from '../helpers/paths.js';
import { requireTool, runTool, type ToolResult } from '../helpers/tools.js';
import { gitlabCiSchema } from '../validation/validators/ci-schemas.js';
import { ciShellBlocks } from '../validation/validators/ci-shell-blocks.js';
import { gitlabCiLocal, makeRepository } from '../validation/validators/gitlab-ci-local.js';

// test-web (Vitest) is left out: its workers get 500 ms between SIGTERM and SIGKILL to write their coverage,
// which a machine as loaded as this suite's does not always give them.
const jobs = ['test-api', 'check-shell'];

describe('the GitLab pipeline of the sample app, run by gitlab-ci-local', { timeout: 240_000 }, () => {
  const dir = copyOf(sampleApp);
  const scaffold = runCli(['--defaults', '--ci', 'gitlab-ci', '--json'], dir);
  const home = tempDir('phase4-gitlab-home-');
  const git = (...args: string[]) => runTool('git', args, { cwd: dir, env: { HOME: home, GIT_CONFIG_NOSYSTEM: '1' } });

  /** The pipeline as the shell executor can run it: the test jobs without their service containers. */
  const forShellExecutor = () => {
    const file = path.join(dir, '.gitlab-ci.yml');
    const document = parseDocument(readFileSync(file, 'utf8'), {
      customTags: [{ tag: '!reference', collection: 'seq', default: false, resolve: (value: unknown) => value } as never],
    });
    for (const job of jobs) document.deleteIn([job, 'services']);
    writeFileSync(file, document.toString());
  };

  const run = (): ToolResult => {
    const shellcheck = path.dirname(requireTool('shellcheck'));
    const userNpmrc = path.join(os.homedir(), '.npmrc');
    return runTool(
      'gitlab-ci-local',
      ['--force-shell-executor', '--concurrency', '1', '--home', path.join(home, 'gcl'), '--variable', `CI_PROJECT_DIR=${dir}`, '--ignore-predefined-vars', 'CI_PROJECT_DIR', ...jobs],
      {
        cwd: dir,
        timeout: 180_000,
        env: {
          HOME: home,
          GIT_CONFIG_NOSYSTEM: '1',
          PATH: [shellcheck, process.env.PATH ?? '/usr/bin:/bin'].join(path.delimiter),
          // The machine's npm settings (a registry mirror) still apply; nothing else of its home does.
          ...(existsSync(userNpmrc) ? { npm_config_userconfig: userNpmrc } : {}),
        },
      },
    );
  };

  test('the sample app gets a GitLab pipeline with these jobs', () => {
    assert.equal(scaffold.status, 0, scaffold.stderr);
    const pipeline = readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8');
    for (const job of jobs) assert.match(pipeline, new RegExp(`^${job}:$`, 'm'));
    for (const validator of [gitlabCiSchema, gitlabCiLocal, ciShellBlocks]) {
      const problems = validator.check([path.join(dir, '.gitlab-ci.yml')]);
      assert.deepEqual(problems, [], `${validator.name}: ${problems.join('\n')}`);
    }
    mkdirSync(path.join(home, 'gcl'));
    forShellExecutor();
    assert.deepEqual(makeRepository(dir, home), []);
  });

  test('the test jobs and the shellcheck job pass', () => {
    const result = run();
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /PASS\s+test-api\s+\d+% coverage/, 'gitlab-ci-local read the coverage from the job log');
    assert.match(result.output, /PASS\s+check-shell/);
    assert.match(result.output, /coverage-gate: \d+% of lines covered/);
  });

  test('a broken test fails the test job', () => {
    const file = path.join(dir, 'apps', 'api', 'test', 'app.test.js');
    const source = readFileSync(file, 'utf8');
    assert.match(source, /assert\.equal\(response\.status, 200\);/);
    writeFileSync(file, source.replace('assert.equal(response.status, 200);', 'assert.equal(response.status, 418);'));
    assert.equal(git('commit', '-qam', 'break a test').status, 0);
    const result = run();
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /FAIL\s+test-api/);
    assert.match(result.output, /418/, 'the failing assertion is in the log');
  });
});
