/**
 * The datastores the project runs (its database and its cache), each with its engine module, the host
 * name of its local container, the database and user applications connect as, and its secrets.
 */
import type { Config } from '../plan/types.js';
import { engines, type EngineModule } from './engines/index.js';
import type { DatastoreModel } from './types.js';

/** The application's database user, locally and in every environment. */
export const applicationUser = 'app';

/** Hyphens would need quoting in SQL identifiers; 63 is PostgreSQL's identifier limit (MySQL allows 64). */
export const databaseNameOf = (config: Config): string => config.name.replace(/-/g, '_').slice(0, 63);

const secretsOf = (engine: EngineModule): DatastoreModel['secrets'] => {
  const password = { name: `${engine.engine}_password`, purpose: `password of the ${engine.label} ${engine.hasUser ? `user ${applicationUser}` : 'default user (requirepass)'}` };
  if (engine.engine === 'mysql') {
    return [password, { name: 'mysql_root_password', purpose: 'password of the MySQL root user (administration only; services never get it)' }];
  }
  return [password];
};

/** A host name no service holds: data stores are called after their engine unless a service already is. */
const uniqueHost = (preferred: string, taken: Set<string>): string => {
  let name = preferred;
  for (let index = 2; taken.has(name); index += 1) name = `${preferred}-${index}`;
  taken.add(name);
  return name;
};

export const planDatastores = (config: Config): { database?: DatastoreModel; cache?: DatastoreModel } => {
  const taken = new Set(config.services.map((service) => service.name));
  const model = (engine: EngineModule): DatastoreModel => ({
    engine,
    host: uniqueHost(engine.engine, taken),
    ...(engine.hasDatabase ? { database: databaseNameOf(config) } : {}),
    ...(engine.hasUser ? { user: applicationUser } : {}),
    secrets: secretsOf(engine),
  });
  return {
    ...(config.database !== 'none' ? { database: model(engines[config.database]) } : {}),
    ...(config.cache !== 'none' ? { cache: model(engines[config.cache]) } : {}),
  };
};
