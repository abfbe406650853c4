/**
 * The interactive CLI in a real terminal (tmux): the questions render through Yeoman's prompt adapter,
 * detected values are pre-selected and marked, a bad reply is refused with the fix, and the answers are
 * stored. yeoman-test's prompt stand-in cannot show any of this.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyOf, snapshot } from '../helpers/folders.js';
import { cliPath, sampleApp } from '../helpers/paths.js';
import { requireTool } from '../helpers/tools.js';

const session = `phase4-tty-${process.pid}`;
const tmux = (...args: string[]) => {
  const result = spawnSync(requireTool('tmux'), args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};
const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', session);

/** Waits until the terminal shows `text` (the prompt is ready), then returns the screen. */
const waitFor = async (text: string | RegExp, timeoutMs = 15_000): Promise<string> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = screen();
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${text}:\n${shown}`);
    await sleep(100);
  }
};

const keys = (...sequence: string[]) => tmux('send-keys', '-t', session, ...sequence);

describe('phase4 in a terminal', () => {
  after(() => spawnSync('tmux', ['kill-session', '-t', session]));

  test('asks, pre-selects detected values, refuses a bad reply, and stores the answers', async () => {
    const dir = copyOf(sampleApp);
    const command = `cd ${dir} && node ${cliPath}; echo "PHASE4_EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '60', command);

    await waitFor('? Project name (detected) (sample-app)');
    keys('Enter');
    const services = await waitFor('? Services to cover');
    assert.match(services, /◉ api \(apps\/api: backend, node\/express, port 3000\) \(detected\)/);
    keys('Enter');
    await waitFor('? CI/CD platform');
    keys('Down', 'Enter'); // GitLab CI/CD
    await waitFor('✔ CI/CD platform GitLab CI/CD');
    for (const question of ['? Cloud provider', '? Orchestration', '? Monitoring stack', '? Deployment strategy']) {
      await waitFor(question);
      keys('Enter');
    }
    const database = await waitFor('? Database');
    assert.match(database, /❯ PostgreSQL \(detected\)/);
    keys('Enter');
    await waitFor('? Cache');
    keys('Enter');
    await waitFor('? Environments, in promotion order');
    keys('C-u', 'Prod,staging', 'Enter');
    await waitFor("'Prod' is not valid; use lowercase letters");
    keys('C-u', 'dev,staging,production', 'Enter');
    for (const question of ['? Container registry', '? Production domain', '? Cloud region', '? Repository path', '? Ingress class (Kubernetes)', '? Owning team', '? Minimum test coverage', '? Production deploy freeze', '? Time zone of the freeze window',
      '? SLO objective', '? Error-rate alert threshold', '? Latency alert threshold', '? CPU alert threshold', '? Memory alert threshold',
      '? Free-disk alert threshold', '? Certificate expiry alert', '? Maintenance window']) {
      await waitFor(question);
      keys('Enter');
    }
    const done = await waitFor(/PHASE4_EXIT=\d+/, 30_000);
    assert.match(done, /PHASE4_EXIT=0/, done);
    assert.match(done, /create\s+compose\.yaml/);

    const stored = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))['generator-phase4'];
    assert.equal(stored.ci, 'gitlab-ci');
    assert.equal(stored.database, 'postgres');
    assert.deepEqual(stored.environments, ['dev', 'staging', 'production']);
    tmux('kill-session', '-t', session);

    // A second run asks nothing new but the conflict it finds: phase4 asks, file by file, before writing.
    writeFileSync(path.join(dir, 'docs', 'phase4.md'), 'our own overview\n');
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '60', command);
    const conflict = await waitFor(/docs\/phase4\.md was edited since phase4 wrote it\. Overwrite it\?/);
    assert.doesNotMatch(conflict, /\? Project name/, 'stored answers are not asked again');
    assert.match(conflict, /d\) show the differences, then ask again/);
    keys('d', 'Enter');
    await waitFor('-our own overview');
    keys('n', 'Enter'); // keep mine
    const second = await waitFor(/PHASE4_EXIT=\d+/, 30_000);
    assert.match(second, /PHASE4_EXIT=0/, second);
    assert.match(second, /conflict, kept yours\s+docs\/phase4\.md/);
    assert.equal(readFileSync(path.join(dir, 'docs', 'phase4.md'), 'utf8'), 'our own overview\n');
    tmux('kill-session', '-t', session);

    // Ctrl-C at the question of a run that changes an answer: nothing at all is written.
    const before = snapshot(dir);
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '60', command.replace(`node ${cliPath}`, `node ${cliPath} --team payments`));
    await waitFor(/docs\/phase4\.md was edited since phase4 wrote it/);
    keys('C-c');
    const interrupted = await waitFor(/PHASE4_EXIT=\d+/, 30_000);
    assert.match(interrupted, /PHASE4_EXIT=2/, interrupted);
    assert.match(interrupted, /interrupted at a question; nothing was written/);
    assert.deepEqual(snapshot(dir), before, 'every file, .yo-rc.json and the manifest as they were');
  });
});
