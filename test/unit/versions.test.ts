/**
 * Every version phase4 emits lives in lib/versions/versions.json, in a form Renovate's regex managers
 * (renovate.json) can find and bump, and no template spells one itself.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { allHelmCharts, allImageRefs, allImages, allTools, imageRef, runtimeTracks, terraformPins, toolVersion } from '../../lib/versions/index.js';
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
    assert.deepEqual(foundImages.sort(), allImageRefs().sort());
    const foundTools = [...versionsText.matchAll(tools)].map((match) => match.groups!.depName);
    assert.deepEqual(foundTools.sort(), Object.values(allTools()).map((tool) => tool.package).sort());
  });

  test("Renovate's regex manager finds every Helm chart, with its repository and an exact version", () => {
    const manager = renovate.customManagers.find((candidate: { description: string }) => /Helm charts/.test(candidate.description));
    assert.equal(manager.datasourceTemplate, 'helm');
    const found = [...versionsText.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((match) => `${match.groups!.depName}@${match.groups!.currentValue} ${match.groups!.registryUrl}`);
    const charts = Object.values(allHelmCharts());
    assert.ok(charts.length > 0);
    assert.deepEqual(found.sort(), charts.map((chart) => `${chart.chart}@${chart.version} ${chart.repository}`).sort());
    for (const chart of charts) assert.match(chart.version, /^\d+\.\d+\.\d+$/, chart.chart);
  });

  test("Renovate's regex manager finds every Azure Pipelines task, each pinned to a major", () => {
    const manager = renovate.customManagers.find((candidate: { description: string }) => /Azure Pipelines tasks/.test(candidate.description));
    const found = [...versionsText.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((match) => `${match.groups!.depName}@${match.groups!.currentValue}`);
    const tasks = Object.values(JSON.parse(versionsText).azureTasks as Record<string, { task: string; version: string } | string>).filter((entry) => typeof entry === 'object');
    assert.deepEqual(found.sort(), tasks.map((entry) => `${entry.task}@${entry.version}`).sort());
    for (const entry of tasks) assert.match(entry.version, /^\d+$/, entry.task);
  });

  test('nothing floats: no latest, no empty tag, exact tool versions', () => {
    for (const ref of allImageRefs()) {
      const tag = ref.slice(ref.lastIndexOf(':') + 1);
      assert.ok(tag && tag !== 'latest', ref);
    }
    for (const [key, { version, datasource }] of Object.entries(allTools())) {
      // Go modules are tagged vX.Y.Z, and Renovate's go datasource keeps the v.
      assert.match(version, datasource === 'go' ? /^v\d+\.\d+\.\d+$/ : /^\d+\.\d+\.\d+$/, key);
    }
  });

  test('runtime tracks: newest first, one line each, and the image tag carries the version', () => {
    for (const runtime of ['node', 'python', 'go', 'java', 'bun'] as const) {
      const tracks = runtimeTracks(runtime);
      assert.ok(tracks.length > 0, runtime);
      const lines = tracks.map((track) => track.version.split('.').slice(0, runtime === 'python' || runtime === 'go' ? 2 : 1).join('.'));
      assert.equal(new Set(lines).size, lines.length, `${runtime}: two tracks on one line`);
      const numbers = tracks.map((track) => track.version.split('.').map(Number));
      for (let index = 1; index < numbers.length; index += 1) {
        const [a, b] = [numbers[index - 1], numbers[index]];
        assert.ok(a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]), `${runtime}: ${tracks[index - 1].version} before ${tracks[index].version}`);
      }
      for (const track of tracks) {
        const tag = 'tag' in track && track.tag ? track.tag : (track as { jre?: { tag: string } }).jre?.tag;
        assert.ok(tag?.startsWith(track.version), `${runtime} ${track.version}: tag ${tag}`);
      }
    }
  });

  test("Renovate keeps runtime tracks on their own line and data stores on their major", () => {
    const rules = renovate.packageRules as { matchDepNames: string[]; matchUpdateTypes: string[]; enabled: boolean }[];
    const held = (name: string, update: string) => rules.some((rule) => rule.matchDepNames.includes(name) && rule.matchUpdateTypes.includes(update) && rule.enabled === false);
    for (const name of ['node', 'python', 'golang', 'eclipse-temurin', 'maven', 'gradle']) assert.ok(held(name, 'major'), name);
    for (const name of ['python', 'golang']) assert.ok(held(name, 'minor'), name);
    for (const name of ['postgres', 'mysql', 'mongo', 'redis']) assert.ok(held(name, 'major'), name);
  });

  test('kubectl is within one minor of every cluster phase4 creates (the supported skew), and Renovate keeps it there', () => {
    const minor = (version: string) => Number(version.split('.')[1]);
    const clients = [toolVersion('kubectl'), imageRef('kubectl').split(':')[1]];
    for (const cloud of ['aws', 'azure'] as const) {
      const cluster = terraformPins().managed[cloud].kubernetes;
      for (const client of clients) assert.ok(Math.abs(minor(client) - minor(cluster)) <= 1, `kubectl ${client} against ${cloud}'s Kubernetes ${cluster}`);
    }
    const rules = renovate.packageRules as { matchDepNames: string[]; matchUpdateTypes: string[]; enabled: boolean }[];
    for (const name of ['alpine/k8s', 'kubernetes/kubernetes'])
      assert.ok(rules.some((rule) => rule.matchDepNames.includes(name) && rule.matchUpdateTypes.includes('minor') && rule.enabled === false), name);
  });

  test('no template spells an image or tool version', () => {
    for (const file of walk(path.join(repoRoot, 'templates'))) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /\b[a-z][\w./-]*:\d+(\.\d+)+[\w.-]*/, `${file} names an image version`);
      assert.doesNotMatch(text, /@\d+\.\d+|==\d+\.\d+|\bgo 1\.\d+/, `${file} pins a tool version`);
      assert.doesNotMatch(text, /dockerfile:\d/, `${file} pins the Dockerfile syntax itself`);
      for (const ref of allImageRefs()) {
        const tag = ref.slice(ref.lastIndexOf(':') + 1);
        if (/\d/.test(tag)) assert.ok(!text.includes(`:${tag}`), `${file} spells the tag ${tag}`);
      }
    }
  });

  test('cAdvisor comes from the registry its releases are published to', () => {
    // From v0.53.0 on, cAdvisor's release workflow pushes only to ghcr.io/google/cadvisor (its README says so);
    // gcr.io/cadvisor/cadvisor holds older tags only, so a newer tag there does not exist and Renovate finds none.
    const cadvisor = allImages().cadvisor;
    assert.equal(cadvisor.image, 'ghcr.io/google/cadvisor');
  });

  test("kubeconform checks the monitoring CRDs of the Prometheus Operator that the docs name", () => {
    // The docs name tools.prometheus-operator as the operator kube-prometheus-stack runs (its chart's appVersion);
    // the PodMonitors, Probes and PrometheusRules are validated against the CRDs of that same release.
    const script = readFileSync(path.join(repoRoot, 'scripts', 'setup-validators.sh'), 'utf8');
    const crdModule = /^PROMETHEUS_OPERATOR="github\.com\/prometheus-operator\/prometheus-operator v(\S+)"$/m.exec(script);
    assert.ok(crdModule, 'setup-validators.sh names the prometheus-operator module of the CRDs');
    assert.equal(crdModule[1], toolVersion('prometheus-operator'));
  });
});
