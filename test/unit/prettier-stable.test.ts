/**
 * phase4 writes Markdown tables, YAML quotes and JSON the way prettier formats them with its default
 * options, without loading prettier: each helper's output is compared with prettier's own formatting.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as prettier from 'prettier';
import { parse } from 'yaml';
import { stableJson } from '../../lib/render/json.js';
import { alignTables } from '../../lib/render/markdown.js';
import * as quote from '../../lib/render/quote.js';

const unchangedByPrettier = async (text: string, parser: string) => assert.equal(await prettier.format(text, { parser }), text);

describe('Markdown tables', () => {
  test('are padded and delimited as prettier lays them out', async () => {
    const markdown = [
      '# Tables',
      '',
      '| Service | Path | Port |',
      '| --- | :--- | ---: |',
      '| api | `services/api` | 3000 |',
      '| a-much-longer-name | `x` | 8 |',
      '| pipe \\| inside | `a\\|b` | 1 |',
      '',
      '| Centred | Wide |',
      '| :---: | --- |',
      '| x | 日本語のサービス |',
      '| ü-accent | é |',
      '',
      '```text',
      '| not | a table here |',
      '| --- | --- |',
      '| left | alone |',
      '```',
      '',
    ].join('\n');
    const aligned = alignTables(markdown);
    assert.notEqual(aligned, markdown);
    assert.match(aligned, /^\| not \| a table here \|$/m, 'fenced code is left as it is');
    await unchangedByPrettier(aligned, 'markdown');
  });
});

describe('YAML quoting', () => {
  test('chooses the quotes prettier keeps, and the value survives', async () => {
    const values = ['plain', "it's", 'say "hi"', `both ' and "`, 'tab\there', 'line\nbreak "q"', 'back\\slash "q"', '$$(cat /run/secrets/x) && [ -n "$$p" ]', ''];
    for (const value of values) {
      const yaml = `key: ${quote.yaml(value)}\n`;
      await unchangedByPrettier(yaml, 'yaml');
      assert.equal(parse(yaml).key, value, yaml);
    }
  });
});

describe('JSON', () => {
  test('is printed as prettier prints it, over many shapes and widths', async () => {
    // A small deterministic generator of JSON values: nested objects, arrays of strings, of numbers and
    // of arrays, with lengths around the 80-column limit.
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const text = () => 'x'.repeat(next(40));
    const value = (depth: number): unknown => {
      switch (next(depth > 3 ? 3 : 7)) {
        case 0:
          return text();
        case 1:
          return next(100000);
        case 2:
          return next(2) === 0;
        case 3:
          return Array.from({ length: next(6) }, () => (next(2) ? text() : next(1000)));
        case 4:
          return Array.from({ length: next(5) }, () => value(depth + 1));
        case 5:
          return Array.from({ length: next(30) }, () => next(100000));
        default:
          return Object.fromEntries(Array.from({ length: next(5) }, (_, index) => [`key${'k'.repeat(next(20))}${index}`, value(depth + 1)]));
      }
    };
    const samples = [
      { 'generator-phase4': { environments: ['staging', 'production'], services: [{ name: 'api', commands: { test: 'npm test' } }], empty: [], none: {} } },
      { quoted: 'a "b" \\ c\n', unicode: ['日本語'.repeat(8), 'ü'.repeat(30)] },
      ...Array.from({ length: 400 }, () => value(0)),
    ];
    for (const sample of samples) await unchangedByPrettier(stableJson(sample), 'json');
  });

  test('drops undefined properties as JSON.stringify does', () => {
    assert.equal(stableJson({ a: 1, b: undefined }), '{\n  "a": 1\n}\n');
  });
});
