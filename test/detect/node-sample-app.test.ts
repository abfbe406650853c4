/**
 * The sample application's Node services, checked like the corpus: every field against the truth in
 * node-sample-app.json, every value with the file it came from. The sample app itself stays as it is (its
 * Python service is the Python detector's to judge).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateService } from '../../lib/catalog/validate-service.js';
import { detect } from '../../lib/detect/index.js';
import { sampleApp } from '../helpers/paths.js';

const truth = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'node-sample-app.json'), 'utf8'));

describe('examples/sample-app: Node services', () => {
  const detection = detect(sampleApp);
  const node = detection.services.filter((service) => service.language === 'node');

  test('services, field by field', () => {
    assert.deepEqual(
      node.map(({ evidence: _evidence, ...service }) => service),
      truth.services,
    );
  });

  test('the orchestrating root is not a service', () => {
    assert.deepEqual(detection.notServices.map((entry) => entry.path), truth.notServices);
  });

  test('every value names an existing file, and every service passes the catalog validation', () => {
    for (const service of node) {
      for (const [field, where] of Object.entries(service.evidence)) {
        assert.ok(existsSync(path.join(sampleApp, where.file)), `${service.name}: ${field} evidence names a missing file ${where.file}`);
      }
      for (const field of ['framework', 'port', 'healthPath', 'lockfile', 'runtimeVersion', ...(service.commands.start ? ['commands.start'] : [])]) {
        assert.ok(service.evidence[field], `${service.name}: ${field} has no evidence`);
      }
      const { evidence: _evidence, uses: _uses, ...plain } = service;
      assert.deepEqual(validateService(plain, service.name), plain);
    }
  });
});
