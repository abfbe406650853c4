import pg from 'pg';
import { createClient } from 'redis';
import { createApp } from './app.js';

const port = Number(process.env.PORT || 3000);

const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const cache = createClient({ url: process.env.REDIS_URL });
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
