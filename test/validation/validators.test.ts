/**
 * The validators fail when their tool run goes wrong, not only on a bad file: a crash, output that is not
 * what the tool prints, a failing exit status without findings, a variable of the caller's shell.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir, writeTree } from '../helpers/folders.js';
import { runTool, withExported } from '../helpers/tools.js';
import { dockerCompose } from './validators/compose.js';
import { dockerfileUtilsFindings } from './validators/dockerfile.js';

describe('tools run with PATH and HOME only', () => {
  test("a variable of the caller's environment does not reach a tool; one the test passes does", () => {
    const result = withExported('PHASE4_LEAK_PROBE', 'leaked', () =>
      runTool('sh', ['-c', 'echo "${PHASE4_LEAK_PROBE-unset} ${PHASE4_GIVEN-unset} ${HOME:+home} ${PATH:+path}"'], { env: { PHASE4_GIVEN: 'given' } }),
    );
    assert.equal(result.status, 0, result.output);
    assert.equal(result.stdout, 'unset given home path\n');
  });
});

describe('dockerfile-utils validator', () => {
  const ok = { status: 0, stdout: '[]', output: '[]' };

  test('a clean run is no finding; findings are reported with their line', () => {
    assert.deepEqual(dockerfileUtilsFindings('Dockerfile', ok), []);
    const warning = JSON.stringify([{ severity: 'warning', message: 'two CMDs', range: { start: { line: 2 } } }]);
    assert.deepEqual(dockerfileUtilsFindings('Dockerfile', { status: 0, stdout: warning, output: warning }), ['Dockerfile:3 warning: two CMDs']);
    const error = JSON.stringify([{ severity: 'error', message: 'bad unit', range: { start: { line: 0 } } }]);
    assert.deepEqual(dockerfileUtilsFindings('Dockerfile', { status: 1, stdout: error, output: error }), ['Dockerfile:1 error: bad unit']);
  });

  test('a crash, a signal, output that is not its JSON, or a failing exit status without findings fails', () => {
    const runs = {
      'crash, nothing on stdout': { status: 1, stdout: '', output: 'TypeError: x is undefined' },
      'killed by a signal': { status: null, stdout: '', output: '' },
      'killed by a signal after printing []': { status: null, stdout: '[]', output: '[]' },
      'not JSON': { status: 0, stdout: 'File not found: Dockerfile', output: 'File not found: Dockerfile' },
      'JSON, not a list': { status: 0, stdout: '{}', output: '{}' },
      'exit status 1 without findings': { status: 1, stdout: '[]', output: '[]' },
      'exit status 2 with a finding': { status: 2, stdout: '[{"severity":"error","message":"m","range":{"start":{"line":0}}}]', output: '' },
    };
    for (const [what, run] of Object.entries(runs)) {
      assert.notDeepEqual(dockerfileUtilsFindings('Dockerfile', run), [], `${what} passed`);
    }
  });

  test("the real tool's answer for a file it cannot read fails (a missing file, a folder)", () => {
    const dir = tempDir();
    for (const file of [path.join(dir, 'missing', 'Dockerfile'), dir]) {
      assert.notDeepEqual(dockerfileUtilsFindings(file, runTool('dockerfile-utils', ['lint', '--json', file])), [], `${file} passed`);
    }
  });
});

describe('docker compose validator', () => {
  const unsetVariable = () =>
    path.join(writeTree(tempDir(), { 'compose.yaml': 'services:\n  api:\n    image: "api:${PHASE4_UNSET_TAG}"\n' }), 'compose.yaml');

  test('a variable the files leave unset fails: compose only warns about it, and exits 0', () => {
    const problems = dockerCompose.check([unsetVariable()]);
    assert.match(problems.join('\n'), /PHASE4_UNSET_TAG.*variable is not set/);
  });

  test("a variable exported by the caller's shell does not hide it", () => {
    const problems = withExported('PHASE4_UNSET_TAG', '1.0', () => dockerCompose.check([unsetVariable()]));
    assert.match(problems.join('\n'), /PHASE4_UNSET_TAG.*variable is not set/);
  });

  test('a variable with a default in the file passes', () => {
    const file = path.join(writeTree(tempDir(), { 'compose.yaml': 'services:\n  api:\n    image: "api:${PHASE4_UNSET_TAG:-1.0}"\n' }), 'compose.yaml');
    assert.deepEqual(dockerCompose.check([file]), []);
  });
});
