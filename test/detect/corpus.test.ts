/**
 * The detection corpus: every repository under test/fixtures reproduces the shape of popular public
 * projects, and test/detect/truth/<fixture>.json says what a careful engineer reads from its files. Every
 * field of every service is compared, and every detected value must name the file it came from.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { detect } from '../../lib/detect/index.js';
import type { DetectedService } from '../../lib/detect/types.js';
import { fixturesDir, repoRoot } from '../helpers/paths.js';

interface Truth {
  shape: string;
  project: { projectName?: string; database?: string; cache?: string; ci?: string; cloud?: string; orchestration?: string };
  services: Omit<DetectedService, 'evidence'>[];
  notServices: string[];
}

const truthDir = path.join(repoRoot, 'test', 'detect', 'truth');
const fixtures = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'empty')
  .map((entry) => entry.name)
  .sort();

/** Fields whose detected value must carry evidence whenever detection sets them. */
const evidenced = (service: Omit<DetectedService, 'evidence'>): string[] => [
  'framework',
  ...(['packageManagerVersion', 'runtimeVersion', 'port', 'healthPath', 'lockfile', 'buildOutput', 'builtInto', 'migrations', 'installable'] as const).filter(
    (field) => service[field] !== undefined,
  ),
  ...(service.commands.start ? ['commands.start'] : []),
  ...(service.uses ?? []).map((engine) => `uses.${engine}`),
  ...(service.settings ?? []).map((setting) => `settings.${setting.name}`),
];

describe('detection corpus', () => {
  test('every fixture has a truth file and every truth file a fixture', () => {
    const truths = readdirSync(truthDir).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -5)).sort();
    assert.deepEqual(truths, fixtures);
    assert.ok(fixtures.length >= 12, `the corpus needs at least 12 repositories, has ${fixtures.length}`);
  });

  for (const fixture of fixtures) {
    const truthFile = path.join(truthDir, `${fixture}.json`);
    if (!existsSync(truthFile)) continue;
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as Truth;
    describe(`${fixture}: ${truth.shape}`, () => {
      const root = path.join(fixturesDir, fixture);
      const detection = detect(root);

      test('services, field by field', () => {
        const detected = detection.services.map(({ evidence: _evidence, ...service }) => service);
        assert.deepEqual(detected.map((service) => `${service.name} ${service.path}`), truth.services.map((service) => `${service.name} ${service.path}`));
        truth.services.forEach((expected, index) => assert.deepEqual(detected[index], expected, `service ${expected.name}`));
      });

      test('folders that are not services', () => {
        assert.deepEqual(detection.notServices.map((entry) => entry.path), truth.notServices);
      });

      test('project-level fields', () => {
        const { projectName, database, cache, ci, cloud, orchestration } = detection;
        const actual = Object.fromEntries(
          Object.entries({ projectName, database, cache, ci, cloud, orchestration }).filter(([, value]) => value !== undefined),
        );
        assert.deepEqual(actual, truth.project);
      });

      test('every detected value names the file it came from', () => {
        for (const service of detection.services) {
          for (const field of evidenced(service)) {
            const where = service.evidence[field];
            assert.ok(where, `${service.name}: ${field} has no evidence`);
            assert.ok(existsSync(path.join(root, where.file)), `${service.name}: ${field} evidence names a missing file ${where.file}`);
          }
        }
      });
    });
  }
});
