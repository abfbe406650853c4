/**
 * Every version phase4 emits lives in lib/versions/versions.json, in a form Renovate's regex managers
 * (renovate.json) can find and bump, and no template spells one itself.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { allImages, allTools, imageRef } from '../../lib/versions/index.js';
import { repoRoot } from '../helpers/paths.js';

const versionsText = readFileSync(path.join(repoRoot, 'lib', 'versions', 'versions.json'), 'utf8');
const renovate = JSON.parse(readFileSync(path.join(repoRoot, 'renovate.json'), 'utf8'));

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );

describe('versions.json', () => {
  test("Renovate's regex managers find every image and every tool", () => {
    const [images, tools] = renovate.customManagers.map((manager: { matchStrings: string[] }) => new RegExp(manager.matchStrings[0], 'g'));
    const foundImages = [...versionsText.matchAll(images)].map((match) => `${match.groups!.depName}:${match.groups!.currentValue}`);
    assert.deepEqual(foundImages.sort(), Object.keys(allImages()).map(imageRef).sort());
    const foundTools = [...versionsText.matchAll(tools)].map((match) => match.groups!.depName);
    assert.deepEqual(foundTools.sort(), Object.values(allTools()).map((tool) => tool.package).sort());
  });

  test('nothing floats: no latest, no empty tag', () => {
    for (const [key, { tag }] of Object.entries(allImages())) {
      assert.ok(tag && tag !== 'latest', key);
    }
    for (const [key, { version }] of Object.entries(allTools())) assert.match(version, /^\d+\.\d+\.\d+$/, key);
  });

  test('no template spells an image or tool version', () => {
    for (const file of walk(path.join(repoRoot, 'templates'))) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /\b[a-z][\w./-]*:\d+(\.\d+)+[\w.-]*/, `${file} names an image version`);
      assert.doesNotMatch(text, /@\d+\.\d+|==\d+\.\d+|\bgo 1\.\d+/, `${file} pins a tool version`);
      assert.doesNotMatch(text, /dockerfile:\d/, `${file} pins the Dockerfile syntax itself`);
      for (const { tag } of Object.values(allImages())) {
        if (/\d/.test(tag)) assert.ok(!text.includes(`:${tag}`), `${file} spells the tag ${tag}`);
      }
    }
  });
});
