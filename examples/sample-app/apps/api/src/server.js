import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createClient } from 'redis';
import { createApp } from './app.js';

const port = Number(process.env.PORT || 3000);

/** A secret from the file named by NAME_FILE (compose and Kubernetes mount them), else from NAME itself. */
const secret = (name) => {
  const file = process.env[`${name}_FILE`];
  return file ? readFileSync(file, 'utf8').trim() : process.env[name];
};

// DATABASE_URL carries no password; it comes from DATABASE_PASSWORD(_FILE).
const db = new pg.Pool(
  process.env.DATABASE_HOST
    ? {
        host: process.env.DATABASE_HOST,
        port: Number(process.env.DATABASE_PORT || 5432),
        database: process.env.DATABASE_NAME,
        user: process.env.DATABASE_USER,
        password: secret('DATABASE_PASSWORD'),
      }
    : { connectionString: process.env.DATABASE_URL, password: secret('DATABASE_PASSWORD') },
);
const cache = createClient({ url: process.env.REDIS_URL, password: secret('REDIS_PASSWORD') });
cache.on('error', (error) => console.error('redis:', error.message));
await cache.connect();

const server = createApp({ db, cache }).listen(port, () => {
  console.log(`api listening on port ${port}`);
});

// Kubernetes and compose stop containers with SIGTERM: finish in-flight requests, then close the pools.
process.on('SIGTERM', () => {
  server.close(async () => {
    await Promise.allSettled([db.end(), cache.quit()]);
    process.exit(0);
  });
});
