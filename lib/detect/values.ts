/**
 * Small value rules every language detector shares: what a port is, which settings carry credentials,
 * which environment variables are the platform's rather than the application's, and one collector that
 * keeps settings unique, sorted and evidenced.
 */
import type { ServiceSetting } from '../catalog/service.js';
import { compareText } from '../order.js';
import type { Evidence } from './types.js';

export const asPort = (value: string | number | undefined): number | undefined => {
  const port = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
};

/**
 * Settings that carry credentials: passwords, keys, tokens, private keys, DSNs and datastore URLs.
 * Judged on the name split into words, so `CACHE_KEY_PREFIX`, `KEYS_FOLDER` or `TOKEN_TTL` are not secrets.
 */
export const isSecretName = (name: string): boolean => {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const last = words[words.length - 1] ?? '';
  if (words.some((word) => /^(PASSWORD|PASSWD|PWD|PASS|SECRET|SECRETS|CREDENTIALS?|DSN|APIKEY|PASSPHRASE)$/.test(word))) return true;
  // Words run together (ND_PASSWORDENCRYPTIONKEY, ND_TLSKEY, APP_AUTHTOKEN).
  if (words.some((word) => /PASSWORD|PASSWD|SECRET|APIKEY|ACCESSKEY|PRIVATEKEY|(ENCRYPTION|SIGNING|TLS|SSL|SESSION|MASTER)KEY$|(AUTH|ACCESS|REFRESH|BEARER|API)TOKEN$/.test(word))) return true;
  if (/^(TOKEN|KEY|JSON|PEM)$/.test(last) && words.some((word) => /^(TOKEN|KEY|KEYS|SECRET|API|AUTH|ACCESS|SIGNING|ENCRYPTION|JWT|SESSION|MASTER|LICENSE|WEBHOOK|HMAC|CLIENT|PRIVATE|TLS|SSL|BOT)$/.test(word))) {
    return last !== 'JSON' || words.includes('KEYS') || words.includes('KEY') || words.includes('CREDENTIALS');
  }
  // A datastore URL carries its credentials: DATABASE_URL, REDIS_URL, MONGO_URI, POSTGRES_URL.
  if (/^(URL|URI|CONNECTION|CONN|CONNSTRING|CONNECTIONSTRING)$/.test(last)) {
    return words.some((word) => /^(DATABASE|DB|POSTGRES|POSTGRESQL|PG|MYSQL|MARIADB|MONGO|MONGODB|REDIS|CACHE|AMQP|RABBITMQ|BROKER|DATASOURCE|JDBC|SQL)$/.test(word));
  }
  return false;
};

/** Variables the platform or the shell sets: never the application's own settings. */
const platformVariables = new Set([
  ...['PORT', 'PATH', 'HOME', 'HOSTNAME', 'USER', 'USERNAME', 'PWD', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'CI', 'NODE_ENV', 'PYTHONPATH', 'LANG', 'TERM', 'COLORTERM'],
  ...['GOMAXPROCS', 'GOGC', 'GOMEMLIMIT', 'GODEBUG', 'GOPATH', 'GOROOT', 'JAVA_HOME'],
  // systemd and Windows.
  ...['JOURNAL_STREAM', 'INVOCATION_ID', 'NOTIFY_SOCKET', 'LISTEN_FDS', 'LISTEN_PID', 'ProgramData', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE', 'SystemRoot'],
]);

export const isApplicationSetting = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !platformVariables.has(name);

/** Collects settings: the first sighting of a name wins (callers read the most specific source first). */
export class SettingsCollector {
  private readonly byName = new Map<string, { setting: ServiceSetting; evidence: Evidence }>();

  add(name: string, where: Evidence, options: { default?: string; secret?: boolean } = {}): void {
    if (!isApplicationSetting(name) || this.byName.has(name)) return;
    const secret = options.secret ?? isSecretName(name);
    const setting: ServiceSetting = { name, ...(secret ? { secret: true } : {}), ...(!secret && options.default !== undefined ? { default: options.default } : {}) };
    this.byName.set(name, { setting, evidence: where });
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The setting's default, when it has one. */
  defaultOf(name: string): string | undefined {
    return this.byName.get(name)?.setting.default;
  }

  get size(): number {
    return this.byName.size;
  }

  /** Settings sorted by name, and their evidence keyed `settings.<NAME>`. */
  result(): { settings: ServiceSetting[]; evidence: Record<string, Evidence> } {
    const names = [...this.byName.keys()].sort(compareText);
    return {
      settings: names.map((name) => this.byName.get(name)!.setting),
      evidence: Object.fromEntries(names.map((name) => [`settings.${name}`, this.byName.get(name)!.evidence])),
    };
  }
}

/**
 * How good a path is as the probe target, or undefined when it is no health route: 1 liveness-style
 * (/health, /healthz, /livez), 2 ping/heartbeat, 3 readiness, 4 status; +4 for a sub-feature's check
 * (/audiomuseai/health) rather than the application's own (/api/v1/health, /system/liveness).
 */
export const healthRank = (path: string): number | undefined => {
  const rank = ownHealthRank(path);
  if (rank === undefined) return undefined;
  // /audiomuseai/health is a sub-feature's check; /api/v1/health and /system/liveness are the app's own.
  const parents = path.replace(/\/+$/, '').split('/').filter(Boolean).slice(0, -1);
  const own = parents.every((segment) => /^(api|v\d+(\.\d+)?|internal|system|sys|_|-|management|manage|admin|ops|monitoring|meta|service|public|status|health|healthz?|probe|probes|checks?)$/i.test(segment));
  return own ? rank : rank + 4;
};

const ownHealthRank = (path: string): number | undefined => {
  const segments = path.replace(/\/+$/, '').split('/').filter(Boolean);
  const last = (segments[segments.length - 1] ?? '').toLowerCase();
  const previous = (segments[segments.length - 2] ?? '').toLowerCase();
  if (/^(healthz?|_health|health[-_]?checks?|livez|liveness|alive|live)$/.test(last)) return /^(live|alive)$/.test(last) && !/health/.test(previous) ? 2 : 1;
  if (/^(ping|heartbeat)$/.test(last)) return 2;
  if (/^(readyz|readiness|ready)$/.test(last)) return 3;
  if (/^status$/.test(last) && segments.length <= 2) return 4;
  return undefined;
};
