/**
 * The environment a Python service reads: pydantic BaseSettings classes (env_prefix, aliases, inherited
 * fields), and direct reads in settings and entry modules: os.environ / os.getenv, django-environ `env()`,
 * python-decouple `config()`, and the project's own helpers that wrap os.getenv (`envbool("DEBUG", "True")`).
 */
import type { ServiceSetting } from '../../catalog/service.js';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { blockAt, callArguments, calls, literalValue, readPython, stringValue } from './source.js';

export interface FoundSetting extends ServiceSetting {
  evidence: Evidence;
  /** The pydantic attribute (`api_prefix`) a prefix may refer to. */
  attribute?: string;
  /** The literal default even when the setting is secret (to recognise datastore URLs). */
  rawDefault?: string;
}

/** Read by the platform or the runtime, never an application setting. */
const notSettings = new Set(['PORT', 'NODE_ENV', 'PATH', 'HOME', 'HOSTNAME', 'PYTHONPATH', 'CI', 'DJANGO_SETTINGS_MODULE', 'PWD', 'USER', 'TERM', 'LANG', 'TZ']);

const secretName = /SECRET|PASSWORD|PASSWD|_PASS$|^PASS|TOKEN|PRIVATE_?KEY|CREDENTIAL|API_?KEY|_KEY$|^KEY$|DSN$|SIGNING|SALT|PEPPER|_AUTH$|WEBHOOK/;
const notSecretName = /EXPIRE|LIFETIME|TTL|_PREFIX$|_LENGTH$|HEADER|_TYPE$|_NAME$|ALGORITHM|_ID$|ROUNDS|ACCESS_KEY$|PUBLIC|_FILE$|_PATH$|_ENABLED$|THROTTLE|_RATE$/;
const credentialUrl = /(DATABASE|DB|REDIS|BROKER|RESULT_BACKEND|MONGO|MONGODB|POSTGRES|PG|MYSQL|AMQP|RABBITMQ|CACHE|CELERY|SQLALCHEMY_DATABASE)_?(URL|URI|DSN)$|(^|_)(DATABASE|REDIS|BROKER)$|(^|_|DB)PASS$/;
const secretTypes = /\b(SecretStr|SecretBytes|PostgresDsn|RedisDsn|MongoDsn|AmqpDsn|MySQLDsn|MariaDBDsn|CockroachDsn|KafkaDsn)\b/;

export const isSecret = (name: string, type = '', value?: string): boolean =>
  credentialUrl.test(name) ||
  secretTypes.test(type) ||
  /:\/\/[^/\s:@]+:[^/\s@]+@/.test(value ?? '') ||
  (secretName.test(name) && !notSecretName.test(name));

const setting = (name: string, type: string, rawDefault: string | undefined, where: Evidence, attribute?: string): FoundSetting => {
  const secret = isSecret(name, type, rawDefault);
  return {
    name,
    ...(secret ? { secret: true } : {}),
    ...(!secret && rawDefault !== undefined ? { default: rawDefault } : {}),
    evidence: where,
    ...(attribute ? { attribute } : {}),
    ...(rawDefault !== undefined ? { rawDefault } : {}),
  };
};

interface PythonClass {
  file: string;
  name: string;
  bases: string[];
  body: string;
  offset: number;
}

const classesOf = (file: string, text: string): PythonClass[] =>
  [...text.matchAll(/^class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:/gm)].map((match) => ({
    file,
    name: match[1],
    bases: (match[2] ?? '')
      .split(',')
      .map((base) => base.trim().split('.').pop()!.split('[')[0])
      .filter(Boolean),
    body: blockAt(text, match.index!),
    offset: match.index!,
  }));

/** Test and development variants override values; the base classes hold what production reads. */
const variantClass = /^(Test|Testing|Dev|Development|Local)[A-Z_]|(Test|Testing|Dev|Development|Local)(App)?Settings$/;

/** Fields of pydantic settings classes, base classes first (their definitions win), env names upper-cased. */
export const pydanticSettings = (index: RepoIndex, files: readonly string[]): FoundSetting[] => {
  const classes = files.flatMap((file) => {
    const text = readPython(index, file);
    return text && /BaseSettings|Settings\)/.test(text) ? classesOf(file, text) : [];
  });
  const byName = new Map(classes.map((found) => [found.name, found]));
  const isSettings = (found: PythonClass, seen = new Set<string>()): boolean => {
    if (seen.has(found.name)) return false;
    seen.add(found.name);
    return found.bases.some((base) => base === 'BaseSettings' || (byName.has(base) && isSettings(byName.get(base)!, seen)));
  };
  const ordered: PythonClass[] = [];
  const visit = (found: PythonClass) => {
    if (ordered.includes(found)) return;
    for (const base of found.bases) if (byName.has(base)) visit(byName.get(base)!);
    ordered.push(found);
  };
  classes.filter((found) => isSettings(found) && !variantClass.test(found.name)).forEach(visit);

  const settings = new Map<string, FoundSetting>();
  for (const found of ordered) {
    const text = readPython(index, found.file) ?? '';
    const prefix = envPrefix(found, byName);
    const bodyIndent = found.body.split('\n').slice(1).find((line) => line.trim() !== '')?.match(/^[ \t]*/)![0] ?? '    ';
    const field = new RegExp(`^${bodyIndent}([A-Za-z][\\w]*)\\s*:\\s*([^=\\n]+?)\\s*(?:=\\s*([^\\n]+))?$`, 'gm');
    for (const match of found.body.matchAll(field)) {
      const [, attribute, type, value] = match;
      if (attribute === 'model_config' || /ClassVar|Callable/.test(type)) continue;
      let rawDefault = value?.trim();
      let envName = `${prefix}${attribute}`.toUpperCase();
      const fieldCall = rawDefault?.match(/^(?:pydantic\.)?Field\(/);
      if (fieldCall && rawDefault) {
        const args = calls(rawDefault, /Field\(/)[0]?.args;
        const alias = stringValue(args?.keywords.validation_alias ?? args?.keywords.alias ?? args?.keywords.env);
        if (alias) envName = alias.toUpperCase();
        rawDefault = args?.keywords.default ?? args?.positional[0];
      }
      if (notSettings.has(envName) || settings.has(envName)) continue;
      const literal = rawDefault === undefined || rawDefault === 'None' || rawDefault === '...' ? undefined : literalValue(rawDefault);
      const where = evidence(found.file, `${found.name}.${attribute}: ${type.trim()}`, text, found.offset + match.index!);
      settings.set(envName, setting(envName, type, literal, where, attribute));
    }
  }
  return [...settings.values()];
};

const envPrefix = (found: PythonClass, byName: Map<string, PythonClass>, seen = new Set<string>()): string => {
  if (seen.has(found.name)) return '';
  seen.add(found.name);
  const own = found.body.match(/env_prefix\s*=\s*([rRbBuU]?["'][^"'\n]*["'])/);
  if (own) return stringValue(own[1]) ?? '';
  for (const base of found.bases) {
    const parent = byName.get(base);
    if (parent) return envPrefix(parent, byName, seen);
  }
  return '';
};

/** A call that reads one variable: `os.getenv("X", d)`, `env.bool("X", default=d)`, `config("X")`, `envint("X", "3")`. */
const readers =
  /(?<![.\w])((?:os\.)?environ\.get|(?:os\.)?getenv|env(?:\.\w+)?|environ\.Env\.\w+|config|[A-Za-z_]*(?:env|Env|ENV)[A-Za-z_]*|get_\w+_from_env)\(\s*(?=[rRbBuU]?["'][A-Z][A-Z0-9_]*["'])/g;

/** Functions of these files that read the environment themselves (a project's own `envbool` helper). */
const environmentHelpers = (texts: readonly string[]): Set<string> => {
  const helpers = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/^[ \t]*def\s+([A-Za-z_]\w*)\s*\(/gm)) {
      if (/os\.(environ|getenv)|\bgetenv\(|\benviron\[/.test(blockAt(text, match.index!))) helpers.add(match[1]);
    }
  }
  return helpers;
};

/** Direct environment reads in the given files (settings modules, entry modules, the Celery app). */
export const environmentReads = (index: RepoIndex, files: readonly string[], extraHelpers: ReadonlySet<string> = new Set()): FoundSetting[] => {
  const texts = files.map((file) => readPython(index, file) ?? '');
  const helpers = new Set([...environmentHelpers(texts), ...extraHelpers]);
  const helperCall = helpers.size > 0 ? new RegExp(`\\b(${[...helpers].join('|')})\\(\\s*(?=[rRbBuU]?["'][A-Z][A-Z0-9_]*["'])`, 'g') : undefined;
  const settings = new Map<string, FoundSetting>();
  const add = (name: string, rawDefault: string | undefined, where: Evidence, type = '') => {
    if (notSettings.has(name) || !/^[A-Z][A-Z0-9_]*$/.test(name)) return;
    const existing = settings.get(name);
    if (existing && (existing.default !== undefined || rawDefault === undefined)) return;
    settings.set(name, setting(name, type, rawDefault, where));
  };
  files.forEach((file, position) => {
    const text = texts[position];
    if (!text) return;
    for (const pattern of [readers, ...(helperCall ? [helperCall] : [])]) {
      for (const match of text.matchAll(pattern)) {
        const open = text.indexOf('(', match.index! + match[1].length);
        const found = { args: callArguments(text, open) };
        const name = stringValue(found.args.positional[0]);
        if (!name) continue;
        const callee = match[1];
        if (/\.(setdefault|pop)$/.test(callee)) continue;
        const defaultExpression = found.args.keywords.default ?? found.args.positional[1];
        let literal = defaultExpression === undefined || defaultExpression === 'None' ? undefined : literalValue(defaultExpression);
        // env.list("HOSTS", default=["a", "b"]) reads a comma-separated value.
        if (literal?.startsWith('[') && /\.list$/.test(callee)) literal = (JSON.parse(literal) as string[]).join(',');
        // django-environ's env.db()/env.cache() read a URL; env.bool etc. a typed value.
        const type = /\.(db|db_url|cache|cache_url|url|search_url|email_url)$/.test(callee) ? 'PostgresDsn' : '';
        add(name, literal, evidence(file, `${callee}("${name}")`, text, match.index), type);
      }
    }
    for (const match of text.matchAll(/(?<![.\w])(?:os\.)?environ\[\s*([rRbBuU]?["'][A-Z][A-Z0-9_]*["'])\s*\](?!\s*=[^=])/g)) {
      const name = stringValue(match[1]);
      if (name) add(name, undefined, evidence(file, `os.environ["${name}"]`, text, match.index));
    }
    for (const match of text.matchAll(/([rRbBuU]?["'][A-Z][A-Z0-9_]*["'])\s+in\s+(?:os\.)?environ\b/g)) {
      const name = stringValue(match[1]);
      if (name) add(name, undefined, evidence(file, `"${name}" in os.environ`, text, match.index));
    }
  });
  return [...settings.values()];
};

/** Merged, without duplicates (the first reader of a name wins, a later one may add its default), sorted. */
export const mergeSettings = (...lists: FoundSetting[][]): FoundSetting[] => {
  const merged = new Map<string, FoundSetting>();
  for (const found of lists.flat()) {
    const existing = merged.get(found.name);
    if (!existing) merged.set(found.name, found);
    else if (existing.default === undefined && found.default !== undefined && !existing.secret) merged.set(found.name, { ...existing, default: found.default });
  }
  return [...merged.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};
