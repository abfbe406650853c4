/** The pure planning and rendering core: plans, headers, quoting, manifest and write statuses. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Answers } from '../../lib/catalog/option.js';
import { nextSteps, plan } from '../../lib/plan/plan.js';
import { hostFor, imageRepository, namespaceFor, productionEnvironment } from '../../lib/plan/naming.js';
import { withHeader } from '../../lib/render/header.js';
import * as quote from '../../lib/render/quote.js';
import { renderAll, renderFile } from '../../lib/render/render.js';
import { nextManifest, sha256 } from '../../lib/write/manifest.js';
import { planWrites } from '../../lib/write/status.js';
import { tempDir } from '../helpers/folders.js';
import { monitoringAnswers } from '../helpers/monitoring-answers.js';

export const exampleConfig: Answers = {
  name: 'shop',
  services: [
    { name: 'api', path: 'apps/api', kind: 'backend', language: 'node', framework: 'express', packageManager: 'npm', port: 3000, healthPath: '/healthz', commands: { test: 'npm test && npm run lint' } },
    { name: 'shop', path: '.', kind: 'frontend', language: 'static', framework: 'static', packageManager: 'none', port: 8080, healthPath: '/healthz', commands: {} },
  ],
  ci: 'github-actions',
  cloud: 'aws',
  orchestration: 'helm',
  monitoring: 'prometheus-grafana',
  strategy: 'rolling',
  database: 'postgres',
  cache: 'redis',
  environments: ['dev', 'staging', 'production'],
  registry: 'ghcr.io/acme',
  domain: 'shop.acme.io',
  ingressClass: 'nginx',
  region: 'eu-west-1',
  repository: 'acme/shop',
  team: 'checkout',
  coverageThreshold: '80',
  deployFreeze: 'Fri 12:00 - Mon 06:00',
  timezone: 'UTC',
  ...monitoringAnswers,
};

describe('naming', () => {
  test('one derivation for images, namespaces and hosts', () => {
    assert.equal(imageRepository(exampleConfig, exampleConfig.services[0]), 'ghcr.io/acme/shop-api');
    assert.equal(imageRepository(exampleConfig, exampleConfig.services[1]), 'ghcr.io/acme/shop', 'no shop-shop');
    assert.equal(namespaceFor(exampleConfig, 'staging'), 'shop-staging');
    assert.equal(productionEnvironment(exampleConfig), 'production');
    assert.equal(hostFor(exampleConfig, 'production'), 'shop.acme.io');
    assert.equal(hostFor(exampleConfig, 'dev'), 'dev.shop.acme.io');
  });
});

describe('plan', () => {
  test('lists every file with its area and ownership, sorted by path', () => {
    const files = plan(exampleConfig);
    assert.deepEqual(files.map((file) => file.path), [...files.map((file) => file.path)].sort());
    const docs = files.find((file) => file.path === 'docs/phase4.md');
    assert.equal(docs?.area, 'docs');
    assert.equal(docs?.ownership, 'managed');
    const listed = (docs?.data.files as { path: string }[]).map((file) => file.path);
    assert.deepEqual(listed, files.map((file) => file.path), 'the overview lists exactly the planned files');
  });

  test('a subgenerator plans only its area', () => {
    assert.deepEqual([...new Set(plan(exampleConfig, ['docs']).map((file) => file.area))], ['docs']);
  });

  test('next steps come from the areas, and ask for a real domain while the default one is used', () => {
    assert.ok(!nextSteps(exampleConfig).some((step) => step.includes('domain')));
    const steps = nextSteps({ ...exampleConfig, domain: 'shop.example.com' }, ['docs']);
    assert.deepEqual(steps, ['Set the real production domain (now shop.example.com): phase4 --domain <your domain>']);
  });

  test('an unknown area is a usage error', () => {
    assert.throws(() => plan(exampleConfig, ['dockerz']), /^UsageError: area: unknown area dockerz/);
  });

  test('rendering is deterministic and escapes Markdown-breaking commands', () => {
    const first = renderAll(plan(exampleConfig));
    const second = renderAll(plan(structuredClone(exampleConfig)));
    assert.deepEqual(first.map((file) => file.contents), second.map((file) => file.contents));
    const docs = first.find((file) => file.path === 'docs/phase4.md')!.contents;
    assert.ok(docs.includes('test `npm test && npm run lint`'), 'commands are inline code, not HTML-escaped');
    assert.ok(!/[ \t]$/m.test(docs), 'no trailing whitespace');
    assert.ok(!docs.includes('\n\n\n'), 'no runs of blank lines');
  });
});

describe('rendering errors', () => {
  test('a template that throws names its file and line (templates compile without line tracking until one fails)', () => {
    const broken = () => renderFile({ path: 'docs/runbooks/alerts.md', template: 'monitoring/docs/alerts.md.ejs', data: {}, ownership: 'managed', area: 'monitoring' });
    assert.throws(broken, /^TypeError: .*templates\/monitoring\/docs\/alerts\.md\.ejs:1\n >> 1\| # Alert runbook/);
    // Failing again still names the line: the debugging compile never replaces the fast one in the cache.
    assert.throws(broken, /alerts\.md\.ejs:1/);
  });
});

describe('headers', () => {
  test('each format gets its own comment syntax; JSON gets none', () => {
    assert.match(withHeader('a.yaml', 'x: 1\n', 'compose'), /^# Generated by generator-phase4 \(compose\)\. Re-run `phase4 compose`/);
    assert.match(withHeader('docs/a.md', '# T\n', 'docs'), /^<!-- Generated by generator-phase4 \(docs\)\. .* -->\n\n# T\n$/);
    assert.match(withHeader('Jenkinsfile', 'pipeline {}\n', 'ci'), /^\/\/ Generated/);
    assert.equal(withHeader('a.json', '{}\n', 'x'), '{}\n');
  });

  test('lines that must stay first stay first', () => {
    assert.match(withHeader('run.sh', '#!/bin/sh\necho hi\n', 'ops'), /^#!\/bin\/sh\n# Generated/);
    assert.match(withHeader('svc/Dockerfile', '# syntax=docker/dockerfile:1.12\nFROM x\n', 'docker'), /^# syntax=docker\/dockerfile:1\.12\n# Generated/);
    assert.match(withHeader('k.yaml', '---\na: 1\n', 'k'), /^---\n# Generated/);
  });
});

describe('quoting helpers', () => {
  test('values survive the target language', () => {
    // The quotes prettier would choose: single quotes around a double quote, double quotes for escapes.
    assert.equal(quote.yaml('a: "b"'), `'a: "b"'`);
    assert.equal(quote.yaml(`it's "x"`), `'it''s "x"'`);
    assert.equal(quote.yaml('a\n"b"'), '"a\\n\\"b\\""');
    assert.equal(quote.yaml("it's"), `"it's"`);
    assert.equal(quote.shell("it's"), `'it'\\''s'`);
    assert.equal(quote.hcl('${var.x} %{if}'), '"$${var.x} %%{if}"');
    assert.equal(quote.groovy("a'b\\c"), `'a\\'b\\\\c'`);
    assert.equal(quote.markdownCell('a|b'), 'a\\|b');
    assert.equal(quote.markdownCode('a `b` c'), '`` a `b` c ``');
  });
});

describe('write statuses and the manifest', () => {
  test('create, identical, update (untouched since phase4 wrote it), conflict (edited), keep (sample)', () => {
    const root = tempDir();
    const files = [
      { path: 'new.md', contents: 'new\n' },
      { path: 'same.md', contents: 'same\n' },
      { path: 'untouched.md', contents: 'v2\n' },
      { path: 'edited.md', contents: 'v2\n' },
      { path: 'sample.env', contents: 'fresh\n', ownership: 'sample' as const },
    ].map((file) => ({ template: '', data: {}, area: 'docs', ownership: 'managed' as const, ...file }));
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'same.md'), 'same\n');
    writeFileSync(path.join(root, 'untouched.md'), 'v1\n');
    writeFileSync(path.join(root, 'edited.md'), 'v1 plus my edit\n');
    writeFileSync(path.join(root, 'sample.env'), 'mine\n');
    const previous = nextManifest(undefined, [
      { path: 'untouched.md', sha256: sha256('v1\n'), area: 'docs', ownership: 'managed' },
      { path: 'edited.md', sha256: sha256('v1\n'), area: 'docs', ownership: 'managed' },
    ], '0.0.1');
    assert.deepEqual(
      planWrites(files, root, previous).map((write) => [write.path, write.status]),
      [['new.md', 'create'], ['same.md', 'identical'], ['untouched.md', 'update'], ['edited.md', 'conflict'], ['sample.env', 'keep']],
    );
  });

  test('the next manifest keeps entries of files not written this time, sorted', () => {
    const previous = nextManifest(undefined, [{ path: 'b', sha256: '1', area: 'x', ownership: 'managed' }], '0.0.1');
    const next = nextManifest(previous, [{ path: 'a', sha256: '2', area: 'y', ownership: 'managed' }], '0.0.2');
    assert.deepEqual(next, {
      generator: 'generator-phase4',
      version: '0.0.2',
      files: [
        { path: 'a', sha256: '2', area: 'y', ownership: 'managed' },
        { path: 'b', sha256: '1', area: 'x', ownership: 'managed' },
      ],
    });
  });
});
