/**
 * Where each setting an application reads gets its value: datastore connection settings are wired to the
 * project's datastores (in every environment), the application's own secrets are generated or read from the
 * secret manager, and plain settings keep the application's defaults.
 */
import type { Service, ServiceSetting } from '../catalog/service.js';
import type { ConnectionPart } from './engines/index.js';
import type { DatastoreModel, SettingModel, SettingValue } from './types.js';

/** Names that hold credentials even when detection did not say so. */
const secretName = /(SECRET|PASSWORD|PASSWD|PASS|TOKEN|API_?KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|DSN|SALT|SIGNING_KEY|ENCRYPTION_KEY|AUTH_KEY)$/;

const parts: ConnectionPart[] = ['url', 'address', 'host', 'port', 'user', 'password', 'database'];

/** JDBC URLs (Spring's datasource URL, `*_JDBC_URL`) carry no credentials and another format. */
const isJdbc = (name: string) => /JDBC/.test(name) || name === 'SPRING_DATASOURCE_URL';

/** The datastore and connection part a setting name reads, trying the cache's names first (they are the most specific). */
export const bindingOf = (setting: ServiceSetting, datastores: DatastoreModel[]): Extract<SettingValue, { kind: 'datastore' }> | undefined => {
  const ordered = [...datastores].sort((a, b) => Number(b.engine.role === 'cache') - Number(a.engine.role === 'cache'));
  for (const datastore of ordered) {
    const part = parts.find((candidate) => datastore.engine.clientSettings[candidate].test(setting.name));
    if (part === undefined) continue;
    if (part === 'url' && isJdbc(setting.name)) return { kind: 'datastore', engine: datastore.engine.engine, part: 'jdbc-url' };
    return { kind: 'datastore', engine: datastore.engine.engine, part, ...(setting.scheme ? { scheme: setting.scheme } : {}) };
  }
  return undefined;
};

const isSecretPart = (value: SettingValue) => value.kind === 'datastore' && (value.part === 'password' || value.part === 'url');

/** Settings a service gets for a datastore when it declares none of its own: the framework's or the common names. */
const conventionalSettings = (service: Service, datastore: DatastoreModel): SettingModel[] => {
  const engine = datastore.engine;
  const make = (name: string, part: ConnectionPart | 'jdbc-url'): SettingModel => {
    const value: SettingValue = { kind: 'datastore', engine: engine.engine, part };
    return { name, secret: isSecretPart(value), value };
  };
  if (service.framework === 'spring-boot') {
    if (engine.engine === 'redis') return [make('SPRING_DATA_REDIS_HOST', 'host'), make('SPRING_DATA_REDIS_PORT', 'port'), make('SPRING_DATA_REDIS_PASSWORD', 'password')];
    if (engine.engine === 'mongodb') return [make('SPRING_DATA_MONGODB_URI', 'url')];
    return [make('SPRING_DATASOURCE_URL', 'jdbc-url'), make('SPRING_DATASOURCE_USERNAME', 'user'), make('SPRING_DATASOURCE_PASSWORD', 'password')];
  }
  return (Object.entries(engine.conventionalSettings) as [ConnectionPart, string][]).map(([part, name]) => make(name, part));
};

export interface WiredSettings {
  settings: SettingModel[];
  /** Datastores the settings connect to (the service's `uses`, plus any a setting names). */
  uses: DatastoreModel[];
  notes: string[];
}

export const wireSettings = (service: Service, used: DatastoreModel[], available: DatastoreModel[]): WiredSettings => {
  const notes: string[] = [];
  if (service.settings === undefined) {
    // Nothing detected or declared: the conventional names of each datastore it uses.
    const settings = used.flatMap((datastore) => conventionalSettings(service, datastore));
    return { settings, uses: used, notes };
  }
  const uses = new Set(used);
  const settings = service.settings.map((setting): SettingModel => {
    const binding = bindingOf(setting, service.kind === 'frontend' && service.language === 'static' ? [] : available);
    if (binding) {
      const datastore = available.find((candidate) => candidate.engine.engine === binding.engine)!;
      uses.add(datastore);
      return { name: setting.name, secret: isSecretPart(binding) || Boolean(setting.secret), value: binding };
    }
    if (setting.secret || secretName.test(setting.name)) return { name: setting.name, secret: true, value: { kind: 'secret' } };
    return { name: setting.name, secret: false, value: { kind: 'plain', ...(setting.default !== undefined ? { default: setting.default } : {}) } };
  });
  for (const datastore of uses) {
    if (settings.some((setting) => setting.value.kind === 'datastore' && setting.value.engine === datastore.engine.engine)) continue;
    if (service.framework === 'spring-boot') {
      settings.push(...conventionalSettings(service, datastore));
      continue;
    }
    notes.push(
      `${service.name} uses ${datastore.engine.label} but reads none of the connection settings phase4 knows; ` +
        `add the setting it reads to services[].settings, or wire it by hand`,
    );
  }
  const ordered = [...uses].sort((a, b) => available.indexOf(a) - available.indexOf(b));
  return { settings, uses: ordered, notes };
};
