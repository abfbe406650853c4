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
  /** The password itself, or a placeholder the area substitutes. */
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
      if (engine.engine === 'redis') return `${scheme}://:${endpoint.password}@${address}/0`;
      const query = engine.engine === 'mongodb' ? '?authSource=admin' : '';
      return `${scheme}://${endpoint.user}:${endpoint.password}@${address}/${endpoint.database}${query}`;
    }
  }
};
