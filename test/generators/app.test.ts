/** The generators in-process with yeoman-test: non-interactive, with prompt answers, and re-runs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import helpers from 'yeoman-test';
import { writeTree } from '../helpers/folders.js';
import AppGenerator from '../../generators/app/index.js';
import DocsGenerator from '../../generators/docs/index.js';

const expressApi = {
  'api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node index.js' }, dependencies: { express: '^4', redis: '^4' } }),
  'api/index.js': 'app.listen(process.env.PORT || 3000);\n',
};

/** Detection reads the real disk (yeoman-test's withFiles only fills mem-fs), so fixtures go to disk. */
const onDisk = (files: Record<string, string>) => (dir: string) => {
  writeTree(dir, files);
};

const runApp = () => helpers.run(AppGenerator as never, { namespace: 'phase4:app' }).doInDir(onDisk(expressApi));

/** phase4's own options (catalog answers and run options) are not in Yeoman's option type. */
const options = (values: Record<string, unknown>) => values as never;

const storedAnswers = (cwd: string) => JSON.parse(readFileSync(path.join(cwd, '.yo-rc.json'), 'utf8'))['generator-phase4'];

afterEach(() => {
  process.exitCode = 0; // a conflict run sets exit code 3 for the CLI; keep the test process clean
});

describe('phase4:app', () => {
  test('--defaults writes the overview from detected and default answers without asking', async () => {
    const result = await runApp().withOptions(options({ defaults: true }));
    assert.deepEqual(result.askedQuestions, []);
    result.assertFileContent('docs/phase4.md', /\| api +\| `api` +\| backend +\| node \/ express +\| 3000 +\|/);
    result.assertFileContent('docs/phase4.md', /\| cache +\| Redis +\| `redis` +\|/);
    assert.equal(storedAnswers(result.cwd).cache, 'redis');
    assert.equal(storedAnswers(result.cwd).ci, 'github-actions');
  });

  test('asks every unanswered option, pre-selects detected values, and stores the replies', async () => {
    const result = await runApp()
      .withOptions(options({ interactive: true, team: 'payments' }))
      .withAnswers({ ci: 'jenkins', cloud: 'gcp', orchestration: 'kustomize', environments: ['dev', 'staging', 'production'] });
    const asked = result.askedQuestions.map((question) => question.name);
    assert.deepEqual(asked, [
      'name',
      'services',
      'ci',
      'cloud',
      'orchestration',
      'monitoring',
      'strategy',
      'database',
      'cache',
      'environments',
      'registry',
      'domain',
    ], 'team came from a flag, so it is not asked');
    const stored = storedAnswers(result.cwd);
    assert.equal(stored.ci, 'jenkins');
    assert.equal(stored.cloud, 'gcp');
    assert.equal(stored.team, 'payments');
    assert.equal(stored.cache, 'redis', 'the detected value is the pre-selected answer');
    assert.deepEqual(stored.environments, ['dev', 'staging', 'production']);
    result.assertFileContent('docs/phase4.md', /\| dev +\| pre-production +\| <https:\/\/dev\./);
  });

  test('a re-run with stored answers asks nothing new', async () => {
    const first = await runApp().withOptions(options({ defaults: true }));
    const stored = storedAnswers(first.cwd);
    const firstDocs = readFileSync(path.join(first.cwd, 'docs/phase4.md'), 'utf8');
    const second = await runApp().withYoRcConfig('generator-phase4', stored).withOptions(options({ interactive: true }));
    assert.deepEqual(second.askedQuestions, []);
    assert.equal(readFileSync(path.join(second.cwd, 'docs/phase4.md'), 'utf8'), firstDocs);
  });

  test('a non-interactive run with answers missing fails with the list of missing keys', async () => {
    await assert.rejects(runApp().withOptions(options({ interactive: false, ci: 'circleci' })), (error: Error) => {
      assert.equal(error.name, 'UsageError');
      assert.match(error.message, /missing answers for cloud, orchestration, monitoring, strategy, database, environments, registry, domain, team/);
      return true;
    });
  });

  test('an answers file fills what it names; flags win over it', async () => {
    const result = await runApp()
      .doInDir(onDisk({ 'phase4.yml': 'ci: gitlab-ci\ncloud: azure\nteam: search\n' }))
      .withOptions(options({ defaults: true, answers: 'phase4.yml', team: 'checkout' }));
    const stored = storedAnswers(result.cwd);
    assert.equal(stored.ci, 'gitlab-ci');
    assert.equal(stored.cloud, 'azure');
    assert.equal(stored.team, 'checkout');
  });
});

describe('phase4:docs', () => {
  test('writes only its own area from stored answers', async () => {
    const result = await helpers
      .run(DocsGenerator as never, { namespace: 'phase4:docs' })
      .doInDir(onDisk(expressApi))
      .withOptions(options({ defaults: true, cloud: 'azure' }));
    result.assertFileContent('docs/phase4.md', /Microsoft Azure/);
    result.assertJsonFileContent('.phase4/manifest.json', { files: [{ path: 'docs/phase4.md', area: 'docs' }] });
  });
});

describe('interactive conflicts', () => {
  const editedRepo = async () => {
    const first = await runApp().withOptions(options({ defaults: true }));
    const files = {
      '.yo-rc.json': readFileSync(path.join(first.cwd, '.yo-rc.json'), 'utf8'),
      '.phase4/manifest.json': readFileSync(path.join(first.cwd, '.phase4/manifest.json'), 'utf8'),
      'docs/phase4.md': 'my own overview\n',
    };
    return files;
  };

  /** yeoman-test forces every write by default; these runs need the real conflicter. */
  const runAsking = () =>
    helpers.run(AppGenerator as never, { namespace: 'phase4:app' }, { force: false } as never).doInDir(onDisk(expressApi));

  test('the user is asked, and "skip" keeps the edited file', async () => {
    const files = await editedRepo();
    const result = await runAsking()
      .doInDir(onDisk(files))
      .withOptions(options({ interactive: true, force: false }))
      .withAnswers({ action: 'skip' });
    assert.ok(result.askedQuestions.some((question) => question.name === 'action'), 'the conflicter asked');
    // Read the disk, not yeoman-test's mem-fs (which holds what phase4 proposed).
    assert.equal(readFileSync(path.join(result.cwd, 'docs/phase4.md'), 'utf8'), 'my own overview\n');
  });

  test('answering "overwrite" replaces it', async () => {
    const files = await editedRepo();
    const result = await runAsking()
      .doInDir(onDisk(files))
      .withOptions(options({ interactive: true, force: false }))
      .withAnswers({ action: 'write' });
    assert.ok(result.askedQuestions.some((question) => question.name === 'action'), 'the conflicter asked');
    result.assertFileContent('docs/phase4.md', /^<!-- Generated by generator-phase4/);
  });
});
