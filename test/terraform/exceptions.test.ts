/**
 * The trivy findings generated Terraform may carry are listed, with their reasons, in
 * test/validation/terraform-exceptions.yaml; the generated files carry the same ones as inline
 * `#trivy:ignore:AVD-...` comments (so a repository's own `trivy config` passes), each under a comment saying why.
 * This test holds the two to each other: an inline ignore without a listed reason, or a listed exception no
 * template uses any more, fails.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { templatesRoot } from '../../lib/package-root.js';
import { terraformTrivyExceptions } from '../validation/validators/terraform.js';

const templateFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(path.join(dir, entry.name)) : /\.tf(\.ejs)?$/.test(entry.name) ? [path.join(dir, entry.name)] : [],
  );

test('every inline trivy ignore in the Terraform templates is a listed exception with a reason, and every listed one is used', () => {
  const inline = templateFiles(path.join(templatesRoot, 'terraform')).flatMap((file) => {
    const lines = readFileSync(file, 'utf8').split('\n');
    return lines.flatMap((line, index) => {
      const check = line.match(/^#trivy:ignore:AVD-([A-Z]+-\d+)$/)?.[1];
      if (!check) return [];
      assert.match(lines[index - 1] ?? '', /^# .+/, `${file}:${index + 1}: an inline ignore needs a comment above it saying why`);
      assert.match(lines[index + 1] ?? '', /^resource "/, `${file}:${index + 1}: an inline ignore sits right above its resource`);
      return [check];
    });
  });
  const listed = terraformTrivyExceptions();
  for (const exception of listed) assert.ok(exception.reason.length > 40, `${exception.check} says why`);
  assert.deepEqual([...new Set(inline)].sort(), [...new Set(listed.map((exception) => exception.check))].sort());
});
