/**
 * The package as users get it: `npm pack`, a global install of the tarball (beside `yo`) into a
 * throwaway prefix, then `yo phase4` and `yo phase4:docs` must find and run the generators.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { tempDir } from '../helpers/folders.js';
import { repoRoot, sampleApp } from '../helpers/paths.js';

const yoVersion = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).devDependencies.yo.replace(/^\^/, '');

const run = (command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) => {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: `${result.error ?? ''}\n${result.stdout}\n${result.stderr}` };
};

/** yo refuses to run as root and drops to uid 1000: give that user the folders it must write. */
const giveToYoUser = (...dirs: string[]) => {
  if (process.getuid?.() !== 0) return;
  for (const dir of dirs) {
    const walk = (entry: string) => {
      chownSync(entry, 1000, 1000);
      for (const child of readdirSync(entry, { withFileTypes: true })) {
        const full = path.join(entry, child.name);
        if (child.isDirectory()) walk(full);
        else chownSync(full, 1000, 1000);
      }
    };
    walk(dir);
  }
};

describe('installed package', () => {
  const workspace = tempDir('phase4-install-');
  const prefix = path.join(workspace, 'global');
  const home = path.join(workspace, 'home');
  let env: NodeJS.ProcessEnv;

  before(() => {
    // The unprivileged user yo switches to must be able to read the install.
    chmodSync(workspace, 0o755);
    mkdirSync(home);
    const pack = run('npm', ['pack', '--json', '--pack-destination', workspace], { cwd: repoRoot });
    assert.equal(pack.status, 0, pack.output);
    const tarball = path.join(workspace, JSON.parse(pack.output.slice(pack.output.indexOf('['), pack.output.lastIndexOf(']') + 1))[0].filename);
    const install = run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball, `yo@${yoVersion}`],
      { cwd: workspace },
    );
    assert.equal(install.status, 0, install.output);
    env = { ...process.env, HOME: home, npm_config_prefix: prefix, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`, NO_COLOR: '1' };
    giveToYoUser(home);
  });

  test('the tarball holds the build, the templates and the versions file, and no tests', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'generator-phase4');
    for (const file of ['dist/bin/phase4.js', 'dist/bin/run-generator.bundle.js', 'dist/bin/bundled/yeoman-generator/package.json', 'dist/generators/app/index.js', 'dist/generators/docs/index.js', 'templates/docs/phase4.md.ejs', 'lib/versions/versions.json', 'README.md']) {
      assert.ok(existsSync(path.join(installed, file)), file);
    }
    for (const absent of ['test', 'examples', 'lib/catalog', 'scripts']) assert.ok(!existsSync(path.join(installed, absent)), absent);
  });

  test('yo lists phase4 and its subgenerators', () => {
    const result = run(path.join(prefix, 'bin', 'yo'), ['--generators'], { cwd: home, env });
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /phase4\n\s+ci\n\s+compose\n\s+docker\n\s+docs\n/);
  });

  test('yo phase4 --defaults scaffolds the sample app, and yo phase4:docs re-runs from the stored answers', () => {
    const target = path.join(workspace, 'app');
    cpSync(sampleApp, target, { recursive: true });
    giveToYoUser(target);
    const first = run(path.join(prefix, 'bin', 'yo'), ['phase4', '--defaults'], { cwd: target, env });
    assert.equal(first.status, 0, first.output);
    assert.match(readFileSync(path.join(target, "docs", "phase4.md"), "utf8"), /\| reports +\| `services\/reports` +\| backend +\| python \/ fastapi +\| python \d+\.\d+\.\d+ +\| 8000 +\|/);
    assert.equal(JSON.parse(readFileSync(path.join(target, '.yo-rc.json'), 'utf8'))['generator-phase4'].database, 'postgres');
    const again = run(path.join(prefix, 'bin', 'yo'), ['phase4:docs'], { cwd: target, env });
    assert.equal(again.status, 0, again.output);
    assert.match(again.output, /unchanged\s+docs\/phase4\.md/);
  });

  test('the installed phase4 bin runs without yo', () => {
    const target = path.join(workspace, 'bin-app');
    cpSync(sampleApp, target, { recursive: true });
    const result = run(path.join(prefix, 'bin', 'phase4'), ['--defaults', '--dry-run'], { cwd: target, env: { ...env, HOME: workspace } });
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /create\s+docs\/phase4\.md/);
  });
});
