/** The generators in-process with yeoman-test: non-interactive, with prompt answers, and re-runs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import helpers from 'yeoman-test';
import { snapshot, writeTree } from '../helpers/folders.js';
import { sha256 } from '../../lib/write/manifest.js';
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
    result.assertFileContent('docs/phase4.md', /\| api +\| `api` +\| backend +\| node \/ express +\| node \d+\.\d+\.\d+ +\| 3000 +\|/);
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
      'region',
      'repository',
      'ingressClass',
      'coverageThreshold',
      'deployFreeze',
      'timezone',
      'sloObjective',
      'errorRateThreshold',
      'latencyThreshold',
      'cpuThreshold',
      'memoryThreshold',
      'diskFreeThreshold',
      'certificateExpiryDays',
      'maintenanceWindow',
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
      assert.match(error.message, /missing answers for cloud, orchestration, monitoring, strategy, database, environments, registry, domain, region, repository, ingressClass, team/);
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

describe('interactive conflicts: phase4 asks, before anything is written', () => {
  /** A repository phase4 wrote once, where the user then edited docs/phase4.md. */
  const editedRepo = async () => {
    const first = await runApp().withOptions(options({ defaults: true }));
    return {
      '.yo-rc.json': readFileSync(path.join(first.cwd, '.yo-rc.json'), 'utf8'),
      '.phase4/manifest.json': readFileSync(path.join(first.cwd, '.phase4/manifest.json'), 'utf8'),
      'docs/phase4.md': 'my own overview\n',
    };
  };

  /** phase4's question; `action` is the one Yeoman's conflicter asked before phase4 asked itself. */
  const conflictQuestions = new Set(['conflict', 'action']);

  /** A re-run that changes an answer (so other files and .yo-rc.json change too) and may ask. */
  const runAsking = async (answer: (asked: number) => string) => {
    const files = await editedRepo();
    let dir = '';
    let asked = 0;
    // yeoman-test forces Yeoman's conflicter by default; these runs must not depend on that.
    const context = helpers
      .run(AppGenerator as never, { namespace: 'phase4:app' }, { force: false } as never)
      .doInDir((cwd) => {
        writeTree(cwd, { ...expressApi, ...files });
        dir = cwd;
      })
      .withOptions(options({ interactive: true, force: false, team: 'payments' }))
      .withAnswers({}, {
        callback: (value: unknown, { question }: { question: { name?: string } }) => (conflictQuestions.has(question.name ?? '') ? answer(++asked) : value),
      });
    return { context, dir: () => dir, asked: () => asked };
  };

  /** What the run wrote to the real disk (yeoman-test's mem-fs holds what phase4 proposed). */
  const onDiskAfter = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

  test('"keep mine" keeps the edited file and still writes the rest', async () => {
    const run = await runAsking(() => 'keep');
    const result = await run.context;
    assert.equal(run.asked(), 1, 'one question for the one edited file');
    assert.equal(onDiskAfter(result.cwd, 'docs/phase4.md'), 'my own overview\n');
    assert.equal(storedAnswers(result.cwd).team, 'payments');
    const manifest = JSON.parse(onDiskAfter(result.cwd, '.phase4/manifest.json'));
    const docs = manifest.files.find((file: { path: string }) => file.path === 'docs/phase4.md');
    assert.notEqual(docs.sha256, sha256('my own overview\n'), 'the manifest still records what phase4 wrote, so the next run asks again');
    assert.notEqual(process.exitCode, 3, 'a conflict the user decided is not left unresolved');
  });

  test('"overwrite" replaces it, and the manifest records the new text', async () => {
    const run = await runAsking(() => 'overwrite');
    const result = await run.context;
    const docs = onDiskAfter(result.cwd, 'docs/phase4.md');
    assert.match(docs, /^<!-- Generated by generator-phase4/);
    const manifest = JSON.parse(onDiskAfter(result.cwd, '.phase4/manifest.json'));
    assert.equal(manifest.files.find((file: { path: string }) => file.path === 'docs/phase4.md').sha256, sha256(docs));
  });

  test('"show the differences" prints a diff, then asks again', async () => {
    const run = await runAsking((asked) => (asked === 1 ? 'diff' : 'keep'));
    const result = await run.context;
    assert.equal(run.asked(), 2);
    const logged = (result.env.adapter.log as unknown as { mock: { calls: { arguments: unknown[] }[] } }).mock.calls
      .map((call) => String(call.arguments[0]))
      .join('\n');
    assert.match(logged, /^-my own overview$/m);
    assert.match(logged, /^\+# .*: production stack$/m);
    assert.equal(onDiskAfter(result.cwd, 'docs/phase4.md'), 'my own overview\n');
  });

  test('an interrupted question (Ctrl-C) leaves every file, .yo-rc.json and the manifest as they were', async () => {
    const run = await runAsking(() => {
      const error = new Error('User force closed the prompt with SIGINT');
      error.name = 'ExitPromptError';
      throw error;
    });
    let before: Record<string, string> | undefined;
    await assert.rejects(
      run.context.doInDir((cwd) => {
        before = snapshot(cwd);
      }),
      (error: Error) => error.name === 'ExitPromptError',
    );
    assert.equal(run.asked(), 1);
    assert.deepEqual(snapshot(run.dir()), before);
  });
});

describe("phase4's commit", () => {
  test('files another generator put into mem-fs still go through Yeoman\'s own commit', async () => {
    const result = await runApp()
      .withFiles({ 'other/notes.txt': 'written by a generator composed with phase4\n' })
      .withOptions(options({ defaults: true }));
    assert.equal(readFileSync(path.join(result.cwd, 'other/notes.txt'), 'utf8'), 'written by a generator composed with phase4\n');
    assert.match(readFileSync(path.join(result.cwd, 'docs/phase4.md'), 'utf8'), /^<!-- Generated by generator-phase4/);
  });
});

describe('a run that fails before the commit', () => {
  /** The app generator, failing right after writing() put every file and the new answers into mem-fs. */
  class FailingAfterWriting extends (AppGenerator as unknown as new (...args: never[]) => Record<string, () => Promise<void>>) {
    async initializing() {
      await super.initializing();
    }
    async prompting() {
      await super.prompting();
    }
    async configuring() {
      await super.configuring();
    }
    async writing() {
      await super.writing();
      throw new Error('failed after writing()');
    }
  }

  test('Yeoman does not commit mem-fs: the disk is byte-identical, .yo-rc.json included', async () => {
    const first = await runApp().withOptions(options({ defaults: true }));
    const files = Object.fromEntries(
      ['.yo-rc.json', '.phase4/manifest.json', 'docs/phase4.md'].map((file) => [file, readFileSync(path.join(first.cwd, file), 'utf8')]),
    );
    let dir = '';
    let before: Record<string, string> | undefined;
    await assert.rejects(
      helpers
        .run(FailingAfterWriting as never, { namespace: 'phase4:app' })
        .doInDir((cwd) => {
          writeTree(cwd, { ...expressApi, ...files });
          dir = cwd;
          before = snapshot(cwd);
        })
        .withOptions(options({ defaults: true, team: 'payments', cloud: 'gcp', region: 'europe-west1' })),
      /failed after writing\(\)/,
    );
    assert.deepEqual(snapshot(dir), before);
  });
});
