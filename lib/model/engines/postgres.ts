import { imageRef } from '../../versions/index.js';
import { databaseConventions, databaseSettings, either, engineSettings } from './names.js';
import type { EngineModule } from './types.js';

const image = imageRef('postgres');
/** PostgreSQL 18 images keep their data one level up (a versioned PGDATA inside) and refuse the old path. */
const major = Number(image.split(':')[1]?.match(/^(\d+)/)?.[1] ?? 0);

export const postgres: EngineModule = {
  engine: 'postgres',
  label: 'PostgreSQL',
  role: 'database',
  port: 5432,
  scheme: 'postgresql',
  clientSettings: either(
    engineSettings(['POSTGRES', 'POSTGRESQL', 'PG'], {
      host: ['PGHOST'],
      port: ['PGPORT'],
      user: ['PGUSER'],
      password: ['PGPASSWORD'],
      database: ['PGDATABASE'],
    }),
    databaseSettings,
  ),
  conventionalSettings: databaseConventions,
  hasUser: true,
  hasDatabase: true,
  local: {
    image,
    dataDir: major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data',
    memory: '1G',
    imageEnv: { database: 'POSTGRES_DB', user: 'POSTGRES_USER', password: 'POSTGRES_PASSWORD', passwordFile: 'POSTGRES_PASSWORD_FILE' },
  },
  // Over TCP on purpose: during first-start initialisation the server listens on its socket only, so the
  // check stays red until the real server is up.
  healthcheck: ['pg_isready', '--host', '127.0.0.1', '--port', '5432'],
  backup: {
    tool: 'pg_dump',
    description: 'pg_dump --format=custom of the database, restored with pg_restore --clean --if-exists',
  },
  exporter: { name: 'postgres_exporter', image: imageRef('postgres-exporter'), port: 9187 },
  managed: {
    aws: { product: 'Amazon RDS for PostgreSQL', resource: 'aws_db_instance' },
    gcp: { product: 'Cloud SQL for PostgreSQL', resource: 'google_sql_database_instance' },
    azure: { product: 'Azure Database for PostgreSQL flexible server', resource: 'azurerm_postgresql_flexible_server' },
  },
};
