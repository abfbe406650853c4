/**
 * A long project name, as a folder name of 60 characters gives one: `--defaults` fits the detected name to the
 * project name's limit (cut at a word), and what the Kubernetes areas write from it passes the real tools
 * (kustomize, helm, kubeconform, trivy, yamllint) with every environment in a namespace of its own. A name given
 * over the limit stops the run with exit 2, the limit named, nothing written.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fitProjectName, namespaceProblem, projectNameLimit } from '../../lib/catalog/project-name.js';
import { runCli } from '../helpers/cli.js';
import { read, snapshot, tempDir } from '../helpers/folders.js';
import { helmCharts, kustomizeOverlays } from '../validation/validators/kubernetes.js';
import { yamllint } from '../validation/validators/yamllint.js';

const folderName = 'acme-enterprise-commerce-platform-for-retail-partners-europe';

/** A repository in a folder of 60 characters: one Express API with PostgreSQL. */
const longFolder = (): string => {
  const dir = path.join(tempDir('phase4-long-name-'), folderName);
  mkdirSync(path.join(dir, 'api'), { recursive: true });
  writeFileSync(path.join(dir, 'api', 'package.json'), JSON.stringify({ name: 'api', scripts: { start: 'node index.js' }, dependencies: { express: '^4.21.0', pg: '^8.13.0' } }));
  writeFileSync(path.join(dir, 'api', 'index.js'), "app.get('/healthz', ok);\napp.listen(process.env.PORT || 3000);\n");
  return dir;
};

const filesUnder = (dir: string, folder: string): string[] => {
  const walk = (current: string): string[] =>
    readdirSync(current).flatMap((name) => {
      const file = path.join(current, name);
      return statSync(file).isDirectory() ? walk(file) : [file];
    });
  return walk(path.join(dir, folder));
};

const run = (args: string[], dir: string) => {
  const result = runCli(args, dir);
  assert.equal(result.status, 0, `exit code\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
};

describe('a long project name', { concurrency: 2 }, () => {
  test('the folder name is cut to the limit at a word, and kept whole when it fits', () => {
    assert.equal(folderName.length, 60);
    assert.equal(fitProjectName(folderName), 'acme-enterprise-commerce-platform-for');
    assert.equal(fitProjectName('a'.repeat(60)), 'a'.repeat(projectNameLimit));
    assert.equal(fitProjectName('shop'), 'shop');
    assert.equal(namespaceProblem('a'.repeat(40), ['staging', 'production']), undefined);
    assert.match(namespaceProblem('a'.repeat(40), ['twenty-three-letters-xy'])!, /64 characters and Kubernetes allows 63/);
  });

  for (const orchestration of ['kustomize', 'helm']) {
    test(`--defaults from a 60-character folder writes ${orchestration} output the real tools accept`, () => {
      const dir = longFolder();
      run(['--defaults', '--orchestration', orchestration, '--environments', 'dev,staging,production'], dir);
      const name = JSON.parse(read(dir, '.yo-rc.json'))['generator-phase4'].name as string;
      assert.equal(name, 'acme-enterprise-commerce-platform-for');
      const namespaces = read(dir, 'deploy/cluster/namespaces.yaml').match(/^ {2}name: (.+)$/gm)!.map((line) => line.trim().slice('name: '.length));
      assert.deepEqual(namespaces, ['dev', 'staging', 'production'].map((environment) => `${name}-${environment}`));
      const yaml = [...filesUnder(dir, 'deploy'), ...filesUnder(dir, 'monitoring')].filter((file) => yamllint.applies(path.relative(dir, file)));
      assert.deepEqual(yamllint.check(yaml), []);
      const kubernetes = orchestration === 'helm' ? helmCharts : kustomizeOverlays;
      const roots = filesUnder(dir, 'deploy').filter((file) => kubernetes.applies(path.relative(dir, file)));
      assert.ok(roots.length > 0);
      assert.deepEqual(kubernetes.check(roots), []);
      if (orchestration === 'helm') assert.deepEqual(kustomizeOverlays.check([path.join(dir, 'deploy/cluster/kustomization.yaml')]), []);
    });
  }

  test('a name over the limit stops the run: exit 2, the limit named, nothing written', () => {
    const dir = longFolder();
    const before = snapshot(dir);
    const result = runCli(['--defaults', '--name', folderName], dir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /--name.*60 characters, more than 40/);
    assert.deepEqual(snapshot(dir), before);
  });
});
