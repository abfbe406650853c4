/** Ports, health paths and datastores read from source code and env files, shared by every language. */
import path from 'node:path';
import { findInFiles, listSourceFiles, readEnvFile, readText } from './repo-files.js';
import type { Datastore } from './types.js';

const healthPathInSource = /["'`](\/(?:api\/)?(?:healthz|health|livez|readyz|ping|status))["'`]/;
// Routes written without the leading slash: NestJS decorators (@Get('healthz')) and Django's path("healthz/").
const healthPathWithoutSlash =
  /(?:@(?:Get|Controller)\(|\bpath\()\s*["'`]\/?((?:api\/)?(?:healthz|health|livez|readyz|ping|status)\/?)["'`]\s*[,)]/;

export const findHealthPath = (files: string[]): string | undefined => {
  const relative = findInFiles(files, healthPathWithoutSlash);
  return findInFiles(files, healthPathInSource) ?? (relative ? `/${relative}` : undefined);
};

export const findPortInEnv = (dir: string): number | undefined => {
  for (const name of ['.env.example', '.env.sample', '.env']) {
    const port = Number(readEnvFile(path.join(dir, name)).PORT);
    if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  }
  return undefined;
};

export const asPort = (value: string | undefined): number | undefined => {
  const port = Number(value);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
};

/** Client libraries (in a manifest's text) that reveal a datastore, per datastore. */
const datastoreLibraries: Record<Datastore, RegExp> = {
  postgres:
    /["'\s/](pg|postgres|psycopg2?(-binary)?|asyncpg|jackc\/pgx(\/v\d)?|lib\/pq|org\.postgresql|postgresql)["'\s:=<>~\[]/i,
  mysql: /["'\s/](mysql2?|pymysql|mysqlclient|aiomysql|go-sql-driver\/mysql|mysql-connector-j|mysql-connector-java)["'\s:=<>~\[]/i,
  mongodb: /["'\s/](mongodb|mongoose|pymongo|motor|beanie|mongo-driver|spring-boot-starter-data-mongodb)["'\s:=<>~\[/]/i,
  // Redis-backed job queues count: a BullMQ or RQ worker needs Redis even without a direct client dependency.
  redis:
    /["'\s/\[](redis|ioredis|go-redis\/redis(\/v\d)?|redis\/go-redis(\/v\d)?|jedis|lettuce-core|spring-boot-starter-data-redis|bullmq|bull|bee-queue|rq|arq)["'\s:=<>~\[\],]/i,
};

const datastoreUrlSchemes: Record<Datastore, RegExp> = {
  postgres: /^postgres(ql)?(\+\w+)?:\/\//,
  mysql: /^mysql(\+\w+)?:\/\//,
  mongodb: /^mongodb(\+srv)?:\/\//,
  redis: /^rediss?:\/\//,
};

/** Datastores named by the manifests' dependency text or by URLs in the service's env files. */
export const findDatastores = (manifestText: string, envDirs: string[]): Datastore[] => {
  const found = new Set<Datastore>();
  const padded = ` ${manifestText} `;
  for (const [store, pattern] of Object.entries(datastoreLibraries) as [Datastore, RegExp][]) {
    if (pattern.test(padded)) found.add(store);
  }
  for (const dir of envDirs) {
    for (const name of ['.env.example', '.env.sample', '.env']) {
      for (const value of Object.values(readEnvFile(path.join(dir, name)))) {
        for (const [store, scheme] of Object.entries(datastoreUrlSchemes) as [Datastore, RegExp][]) {
          if (scheme.test(value)) found.add(store);
        }
      }
    }
  }
  return [...found].sort();
};

export const sourceFiles = (dir: string, extensions: string[], maxDepth = 4) => listSourceFiles(dir, extensions, maxDepth);

/**
 * Drops files under test folders (test/, tests/, __tests__/, test_*.py) so a test's fake port or URL is not
 * taken for the service's own. Judged relative to the service folder: the repository itself may live
 * under a folder named `test`.
 */
const testPart = /^(tests?|__tests__)$|^test_.*\.py$|_test\.py$/;
export const withoutTests = (dir: string, files: string[]) =>
  files.filter((file) => !path.relative(dir, file).split(path.sep).some((part) => testPart.test(part)));

export const readAll = (files: string[]) => files.map((file) => readText(file) ?? '').join('\n');
