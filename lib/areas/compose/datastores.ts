/**
 * The data stores compose runs locally (the database of `config.database` and the cache of `config.cache`):
 * pinned image, volume, secrets, healthcheck, and the connection settings the application services get.
 * Every password is a compose secret file read through the image's `*_FILE` convention; no value is inline.
 */
import { imageRef } from '../../versions/index.js';
import type { Config } from '../../plan/types.js';

export type DatastoreKind = 'postgres' | 'mysql' | 'mongodb' | 'redis';

export interface SecretFile {
  /** Compose secret name, also the file name under `secrets/` (without `.txt`) and under `/run/secrets/`. */
  name: string;
  /** What the value is, for comments and docs. */
  purpose: string;
}

export interface Setting {
  name: string;
  value: string;
}

export interface Datastore {
  kind: DatastoreKind;
  /** Human name for docs and comments. */
  label: string;
  role: 'database' | 'cache';
  /** Compose service name: the host name applications connect to. */
  service: string;
  image: string;
  port: number;
  volume: { name: string; target: string };
  secrets: SecretFile[];
  /** Environment of the data store container itself. */
  environment: Setting[];
  command?: string[];
  healthcheck: string[];
  /** Connection settings given to back ends and workers: never a password, only `*_PASSWORD_FILE`. */
  appEnvironment: Setting[];
  /** The secret an application reads its password from. */
  appSecret: string;
  memory: string;
}

/** Defaults that `.env` may override; they are spelled once here for compose, `.env.example` and the docs. */
export interface DatabaseDefaults {
  name: string;
  user: string;
}

export const databaseDefaults = (config: Config): DatabaseDefaults => ({
  // Hyphens would need quoting in SQL identifiers; 63 is PostgreSQL's identifier limit (MySQL allows 64).
  name: config.name.replace(/-/g, '_').slice(0, 63),
  user: 'app',
});

const secretPath = (name: string) => `/run/secrets/${name}`;

/**
 * PostgreSQL 18 images keep their data one level up (`/var/lib/postgresql`, with a versioned PGDATA inside)
 * and refuse a volume at the old path, so the mount follows the pinned major version.
 */
const postgresDataDir = (image: string): string => {
  const major = Number(image.split(':')[1]?.match(/^(\d+)/)?.[1] ?? 0);
  return major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
};

const nameVar = (defaults: DatabaseDefaults) => `\${DATABASE_NAME:-${defaults.name}}`;
const userVar = (defaults: DatabaseDefaults) => `\${DATABASE_USER:-${defaults.user}}`;

const databaseSettings = (service: string, port: number, scheme: string, secret: string, defaults: DatabaseDefaults): Setting[] => [
  { name: 'DATABASE_HOST', value: service },
  { name: 'DATABASE_PORT', value: String(port) },
  { name: 'DATABASE_NAME', value: nameVar(defaults) },
  { name: 'DATABASE_USER', value: userVar(defaults) },
  { name: 'DATABASE_PASSWORD_FILE', value: secretPath(secret) },
  // No credentials in the URL: the user is DATABASE_USER and the password is read from DATABASE_PASSWORD_FILE.
  { name: 'DATABASE_URL', value: `${scheme}://${service}:${port}/${nameVar(defaults)}` },
];

export const planDatabase = (config: Config, service: string): Datastore | undefined => {
  const defaults = databaseDefaults(config);
  switch (config.database) {
    case 'postgres': {
      const image = imageRef('postgres');
      const secret = 'postgres_password';
      return {
        kind: 'postgres',
        label: 'PostgreSQL',
        role: 'database',
        service,
        image,
        port: 5432,
        volume: { name: 'postgres-data', target: postgresDataDir(image) },
        secrets: [{ name: secret, purpose: `password of the PostgreSQL user (DATABASE_USER, default ${defaults.user})` }],
        environment: [
          { name: 'POSTGRES_DB', value: nameVar(defaults) },
          { name: 'POSTGRES_USER', value: userVar(defaults) },
          { name: 'POSTGRES_PASSWORD_FILE', value: secretPath(secret) },
        ],
        // Over TCP on purpose: during first-start initialisation the server listens on its socket only, so
        // the check stays red until the real server is up.
        healthcheck: ['CMD', 'pg_isready', '--host', '127.0.0.1', '--username', userVar(defaults), '--dbname', nameVar(defaults)],
        appEnvironment: databaseSettings(service, 5432, 'postgres', secret, defaults),
        appSecret: secret,
        memory: '1G',
      };
    }
    case 'mysql': {
      const secret = 'mysql_password';
      const rootSecret = 'mysql_root_password';
      return {
        kind: 'mysql',
        label: 'MySQL',
        role: 'database',
        service,
        image: imageRef('mysql'),
        port: 3306,
        volume: { name: 'mysql-data', target: '/var/lib/mysql' },
        secrets: [
          { name: rootSecret, purpose: 'password of the MySQL root user (administration only; services never get it)' },
          { name: secret, purpose: `password of the MySQL application user (DATABASE_USER, default ${defaults.user})` },
        ],
        environment: [
          { name: 'MYSQL_DATABASE', value: nameVar(defaults) },
          { name: 'MYSQL_USER', value: userVar(defaults) },
          { name: 'MYSQL_PASSWORD_FILE', value: secretPath(secret) },
          { name: 'MYSQL_ROOT_PASSWORD_FILE', value: secretPath(rootSecret) },
        ],
        // `mysqladmin ping` exits 0 whenever the server answers, even "access denied", so it needs no
        // password; TCP skips the socket-only server of first-start initialisation.
        healthcheck: ['CMD', 'mysqladmin', 'ping', '--host', '127.0.0.1', '--silent'],
        appEnvironment: databaseSettings(service, 3306, 'mysql', secret, defaults),
        appSecret: secret,
        memory: '1G',
      };
    }
    case 'mongodb': {
      const secret = 'mongodb_password';
      return {
        kind: 'mongodb',
        label: 'MongoDB',
        role: 'database',
        service,
        image: imageRef('mongodb'),
        port: 27017,
        volume: { name: 'mongodb-data', target: '/data/db' },
        // The image creates one user, a root user in the admin database; the services connect as that user.
        secrets: [{ name: secret, purpose: `password of the MongoDB user (DATABASE_USER, default ${defaults.user}): the root user the image creates` }],
        environment: [
          { name: 'MONGO_INITDB_DATABASE', value: nameVar(defaults) },
          { name: 'MONGO_INITDB_ROOT_USERNAME', value: userVar(defaults) },
          { name: 'MONGO_INITDB_ROOT_PASSWORD_FILE', value: secretPath(secret) },
        ],
        // `ping` needs no authentication.
        healthcheck: ['CMD', 'mongosh', '--quiet', '--norc', '--eval', "quit(db.adminCommand({ ping: 1 }).ok ? 0 : 1)"],
        appEnvironment: [
          ...databaseSettings(service, 27017, 'mongodb', secret, defaults).filter((setting) => setting.name !== 'DATABASE_URL'),
          // The user is created in the admin database by the image's initialisation.
          { name: 'DATABASE_URL', value: `mongodb://${service}:27017/${nameVar(defaults)}?authSource=admin` },
        ],
        appSecret: secret,
        memory: '1G',
      };
    }
    case 'none':
      return undefined;
  }
};

export const planCache = (config: Config, service: string): Datastore | undefined => {
  if (config.cache !== 'redis') return undefined;
  const secret = 'redis_password';
  const file = secretPath(secret);
  return {
    kind: 'redis',
    label: 'Redis',
    role: 'cache',
    service,
    image: imageRef('redis'),
    port: 6379,
    volume: { name: 'redis-data', target: '/data' },
    secrets: [{ name: secret, purpose: 'password of the Redis default user (requirepass)' }],
    environment: [],
    // Redis has no *_FILE variable: read the secret in a shell, refuse to start without one, then hand over to
    // the image's entrypoint so the server still drops root for the redis user. `$$` is a literal `$` in compose.
    command: [
      'sh',
      '-c',
      `password="$$(cat ${file})" && [ -n "$$password" ] && exec docker-entrypoint.sh redis-server --requirepass "$$password"`,
    ],
    // REDISCLI_AUTH keeps the password off redis-cli's command line.
    healthcheck: ['CMD-SHELL', `REDISCLI_AUTH="$$(cat ${file})" redis-cli ping | grep -q PONG`],
    appEnvironment: [
      { name: 'REDIS_HOST', value: service },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'REDIS_PASSWORD_FILE', value: file },
      // No password in the URL: it is read from REDIS_PASSWORD_FILE.
      { name: 'REDIS_URL', value: `redis://${service}:6379/0` },
    ],
    appSecret: secret,
    memory: '256M',
  };
};
