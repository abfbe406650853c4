/**
 * The value of one datastore connection setting, for a given endpoint: a URL in the engine's format (with
 * the driver's scheme when the application names one), a JDBC URL, or one part of it.
 */
import type { SettingValue } from './types.js';
import type { DatastoreModel } from './types.js';

export interface Endpoint {
  host: string;
  port: number;
  user?: string;
  /** The password itself, or a placeholder the area substitutes; empty for a server that asks for none. */
  password: string;
  database?: string;
}

export const connectionValue = (datastore: DatastoreModel, value: Extract<SettingValue, { kind: 'datastore' }>, endpoint: Endpoint): string => {
  const engine = datastore.engine;
  const address = `${endpoint.host}:${endpoint.port}`;
  switch (value.part) {
    case 'host':
      return endpoint.host;
    case 'port':
      return String(endpoint.port);
    case 'address':
      return address;
    case 'user':
      return endpoint.user ?? '';
    case 'password':
      return endpoint.password;
    case 'database':
      return endpoint.database ?? '';
    case 'jdbc-url':
      return `jdbc:${engine.scheme}://${address}/${endpoint.database ?? ''}`;
    case 'url': {
      const scheme = value.scheme ?? engine.scheme;
      // A server that takes connections without a password (CI's throwaway test containers) gets a URL
      // without one: no empty `user:@` for a driver to trip over.
      const password = endpoint.password === '' ? '' : `:${endpoint.password}`;
      const user = engine.engine === 'redis' ? '' : (endpoint.user ?? '');
      const credentials = user || password ? `${user}${password}@` : '';
      if (engine.engine === 'redis') return `${scheme}://${credentials}${address}/0`;
      const query = engine.engine === 'mongodb' && credentials ? '?authSource=admin' : '';
      return `${scheme}://${credentials}${address}/${endpoint.database}${query}`;
    }
  }
};
