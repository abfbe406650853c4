/**
 * The layout rules of DESIGN.md, checked on the sources: areas read the stack model and never each other;
 * the model and the planning core know nothing of Yeoman or of the areas; templates never HTML-escape.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));

/** Every relative import of a TypeScript file, resolved to a repository path. */
const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)]
    .map((match) => match[1] ?? match[2])
    .map((specifier) => (specifier.startsWith('.') ? path.relative(repoRoot, path.resolve(path.dirname(file), specifier)) : specifier));

const areasDir = path.join(repoRoot, 'lib', 'areas');
/** The area a source file belongs to: `lib/areas/docker/node.ts` -> docker, `lib/areas/docs.ts` -> docs. */
const areaOf = (relative: string): string | undefined => relative.match(/^lib\/areas\/([^/.]+)/)?.[1];

describe('architecture', () => {
  const sources = walk(path.join(repoRoot, 'lib')).filter((file) => file.endsWith('.ts'));

  test('no area imports another area (they share facts through the stack model)', () => {
    // lib/areas/index.ts lists the areas; every other file under lib/areas belongs to one.
    const areaFiles = sources.filter((file) => path.relative(repoRoot, file).startsWith('lib/areas/') && path.relative(repoRoot, file) !== 'lib/areas/index.ts');
    assert.ok(areaFiles.length > 10, 'the areas were not found');
    for (const file of areaFiles) {
      const own = areaOf(path.relative(repoRoot, file));
      for (const target of importsOf(file)) {
        const other = areaOf(target);
        assert.ok(!other || other === own, `${path.relative(repoRoot, file)} imports ${target} (area ${other})`);
      }
    }
  });

  test('the stack model, detection and the planning core import no area and no Yeoman', () => {
    for (const file of sources) {
      const relative = path.relative(repoRoot, file);
      if (!/^lib\/(model|detect|catalog|config|render|write|versions)\//.test(relative)) continue;
      for (const target of importsOf(file)) {
        assert.ok(!target.startsWith('lib/areas'), `${relative} imports ${target}`);
        assert.ok(!/^yeoman-/.test(target), `${relative} imports ${target}`);
      }
    }
  });

  test('templates of non-HTML files never HTML-escape (no <%= ... %>)', () => {
    const templates = walk(path.join(repoRoot, 'templates'));
    assert.ok(templates.length > 20);
    for (const file of templates) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /<%=/, `${path.relative(repoRoot, file)} uses <%=, which HTML-escapes`);
    }
  });

  test('the checks see a planted violation (they can fail)', () => {
    const planted = path.join(areasDir, 'compose', 'index.ts');
    const imports = importsOf(planted);
    assert.ok(imports.some((target) => target.startsWith('lib/model')), 'imports are resolved');
    assert.equal(areaOf('lib/areas/docker/node.ts'), 'docker');
    assert.equal(areaOf('lib/areas/docs.ts'), 'docs');
    assert.match('<%= it.name %>', /<%=/);
  });
});
