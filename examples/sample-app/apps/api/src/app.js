import express from 'express';

const ITEMS_KEY = 'items:all';
const CACHE_SECONDS = 30;

/**
 * The HTTP API. `db` is anything with pg's `query(text)`, `cache` anything with node-redis's `get`/`setEx`,
 * so tests can pass in-memory stand-ins.
 */
export const createApp = ({ db, cache }) => {
  const app = express();

  // Liveness only: it must not fail when PostgreSQL or Redis is briefly away, or the pod would restart for nothing.
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });

  app.get('/api/items', async (_request, response, next) => {
    try {
      const cached = await cache.get(ITEMS_KEY).catch(() => null);
      if (cached) {
        response.set('X-Cache', 'hit').json({ items: JSON.parse(cached) });
        return;
      }
      const { rows } = await db.query('SELECT id, name FROM items ORDER BY id');
      // A cache outage slows the API down but does not break it.
      await cache.setEx(ITEMS_KEY, CACHE_SECONDS, JSON.stringify(rows)).catch(() => undefined);
      response.set('X-Cache', 'miss').json({ items: rows });
    } catch (error) {
      next(error);
    }
  });

  return app;
};
