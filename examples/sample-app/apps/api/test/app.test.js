import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.js';

const rows = [
  { id: 1, name: 'first' },
  { id: 2, name: 'second' },
];
const queries = [];
const db = {
  query: async (text) => {
    queries.push(text);
    return { rows };
  },
};
const store = new Map();
const cache = {
  get: async (key) => store.get(key) ?? null,
  setEx: async (key, _seconds, value) => void store.set(key, value),
};

let server;
let base;
before(async () => {
  server = createApp({ db, cache }).listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

test('GET /healthz answers ok', async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
});

test('GET /api/items reads PostgreSQL once, then Redis', async () => {
  const first = await fetch(`${base}/api/items`);
  assert.equal(first.headers.get('x-cache'), 'miss');
  assert.deepEqual(await first.json(), { items: rows });

  const second = await fetch(`${base}/api/items`);
  assert.equal(second.headers.get('x-cache'), 'hit');
  assert.deepEqual(await second.json(), { items: rows });
  assert.equal(queries.length, 1);
});
