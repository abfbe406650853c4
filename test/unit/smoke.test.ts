import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toServiceName } from '../../lib/detect/service-name.js';

test('toServiceName makes DNS labels', () => {
  assert.equal(toServiceName('@acme/Web_App'), 'web-app');
});
