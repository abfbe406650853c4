import { imageRef } from '../../versions/index.js';
import { engineSettings, names } from './names.js';
import type { EngineModule } from './types.js';

const redisNames = engineSettings(['REDIS', 'VALKEY', 'CACHE']);

export const redis: EngineModule = {
  engine: 'redis',
  label: 'Redis',
  role: 'cache',
  port: 6379,
  scheme: 'redis',
  clientSettings: {
    ...redisNames,
    // Queues and schedulers that ride on Redis: Celery's broker and result backend, RQ, `PAPERLESS_REDIS`.
    url: new RegExp(
      `${redisNames.url.source}|${names(['REDIS', 'CELERY_BROKER_URL', 'CELERY_RESULT_BACKEND', 'BROKER_URL', 'RESULT_BACKEND', 'RQ_REDIS_URL', 'QUEUE_URL']).source}`,
    ),
    host: new RegExp(`${redisNames.host.source}|^SPRING_DATA_REDIS_HOST$`),
    port: new RegExp(`${redisNames.port.source}|^SPRING_DATA_REDIS_PORT$`),
    password: new RegExp(`${redisNames.password.source}|^SPRING_DATA_REDIS_PASSWORD$`),
    // Redis has no user of its own here (the default user) and numbered databases only.
    user: /(?!)/,
    database: /(?!)/,
  },
  conventionalSettings: { url: 'REDIS_URL', host: 'REDIS_HOST', port: 'REDIS_PORT', password: 'REDIS_PASSWORD' },
  hasUser: false,
  hasDatabase: false,
  local: { image: imageRef('redis'), dataDir: '/data', memory: '256M', imageEnv: {} },
  healthcheck: ['redis-cli', 'ping'],
  backup: {
    tool: 'redis-cli --rdb',
    description: 'an RDB snapshot (redis-cli --rdb); restored by placing dump.rdb in the data folder before start',
  },
  exporter: { name: 'redis_exporter', image: imageRef('redis-exporter'), port: 9121 },
  managed: {
    aws: { product: 'Amazon ElastiCache for Redis OSS', resource: 'aws_elasticache_replication_group' },
    gcp: { product: 'Memorystore for Redis', resource: 'google_redis_instance' },
    azure: { product: 'Azure Cache for Redis', resource: 'azurerm_redis_cache' },
  },
};
