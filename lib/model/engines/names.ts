/**
 * Setting names applications use for one part of a datastore connection. Prefixed variants are common
 * (`PAPERLESS_DBHOST`, `NEXT_PRIVATE_DATABASE_URL`), so most patterns accept any prefix.
 */
import type { ConnectionPart } from './types.js';

const anyPrefix = '(?:[A-Z0-9]+_)*';

/** A pattern over whole names: `alternatives` with any prefix, `exact` only as they are. */
export const names = (alternatives: string[], exact: string[] = []): RegExp =>
  new RegExp(`^(?!${switches})(?:${anyPrefix}(?:${alternatives.join('|')})|${exact.length > 0 ? exact.join('|') : '(?!)'})$`);

/** Flags that switch a datastore on or off (`USE_REDIS`) are not connection settings. */
const switches = '(?:USE|ENABLE|ENABLED|DISABLE|DISABLED|WITH|WITHOUT|SKIP|NO)_';

/** What any SQL database or MongoDB may be read as, when it is the project's database. */
export const databaseSettings: Record<ConnectionPart, RegExp> = {
  url: names(['DATABASE_URL', 'DATABASE_URI', 'DATABASE_DSN', 'DB_URL', 'DB_URI', 'DB_DSN', 'DATABASE_[A-Z]+_URL', 'DATASOURCE_URL', 'JDBC_URL'], ['SQLALCHEMY_DATABASE_URI']),
  host: names(['DB_HOST', 'DBHOST', 'DATABASE_HOST', 'DB_SERVER', 'DATABASE_SERVER']),
  port: names(['DB_PORT', 'DBPORT', 'DATABASE_PORT']),
  address: names(['DB_ADDR', 'DB_ADDRESS', 'DATABASE_ADDR', 'DATABASE_ADDRESS']),
  user: names(['DB_USER', 'DBUSER', 'DB_USERNAME', 'DATABASE_USER', 'DATABASE_USERNAME', 'DATASOURCE_USERNAME', 'DATASOURCE_USER']),
  password: names(['DB_PASS', 'DBPASS', 'DB_PASSWORD', 'DATABASE_PASSWORD', 'DATABASE_PASS', 'DATASOURCE_PASSWORD']),
  database: names(['DB_NAME', 'DBNAME', 'DB_DATABASE', 'DATABASE_NAME']),
};

/** The names phase4 gives the project's database (any engine) when the application declares none. */
export const databaseConventions = {
  url: 'DATABASE_URL',
  host: 'DATABASE_HOST',
  port: 'DATABASE_PORT',
  user: 'DATABASE_USER',
  password: 'DATABASE_PASSWORD',
  database: 'DATABASE_NAME',
} as const;

/** Engine-specific names, tried before the generic ones: `POSTGRES_HOST`, `PGPASSWORD`, `MYSQL_DATABASE`. */
export const engineSettings = (engineNames: string[], libpq: Partial<Record<ConnectionPart, string[]>> = {}): Record<ConnectionPart, RegExp> => {
  const part = (suffixes: string[], part: ConnectionPart) =>
    names(engineNames.flatMap((engine) => suffixes.map((suffix) => `${engine}_${suffix}`)), libpq[part] ?? []);
  return {
    url: part(['URL', 'URI', 'DSN', 'CONNECTION_STRING'], 'url'),
    host: part(['HOST', 'HOSTNAME', 'SERVER'], 'host'),
    port: part(['PORT'], 'port'),
    address: part(['ADDR', 'ADDRESS'], 'address'),
    user: part(['USER', 'USERNAME'], 'user'),
    password: part(['PASSWORD', 'PASS'], 'password'),
    database: part(['DB', 'DATABASE', 'DB_NAME', 'DBNAME', 'NAME'], 'database'),
  };
};

/** Engine-specific names first, then (for databases) the generic ones. */
export const either = (first: Record<ConnectionPart, RegExp>, second?: Record<ConnectionPart, RegExp>): Record<ConnectionPart, RegExp> =>
  Object.fromEntries(
    (Object.keys(first) as ConnectionPart[]).map((part) => [
      part,
      second ? new RegExp(`${first[part].source}|${second[part].source}`) : first[part],
    ]),
  ) as Record<ConnectionPart, RegExp>;
