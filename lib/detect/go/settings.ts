/**
 * What a Go program reads from its environment: os.Getenv/LookupEnv (with the fallback the code assigns),
 * env helper functions (`getEnv("X", "d")`), struct tags of kelseyhightower/envconfig, caarlos0/env and
 * sethvargo/go-envconfig (with their prefixes), ardanlabs/conf configuration structs (PREFIX + the field
 * path split at its capitals: SALES_WEB_API_HOST), and viper keys under AutomaticEnv with its prefix and
 * key replacer. Command-line flags are read too: their defaults are where ports often live.
 */
import { evidence } from '../evidence.js';
import type { Evidence } from '../types.js';
import { isApplicationSetting } from '../values.js';
import type { GoSource } from './module.js';
import { callArguments, closingBracket, literalValue, stringConstants, stringValue } from './source.js';

export interface FoundSetting {
  name: string;
  default?: string;
  secret?: boolean;
  evidence: Evidence;
  /** The Go field or flag it fills, when a struct or flag declares it (`APIHost`, `port`). */
  field?: string;
}

export interface FoundFlag {
  name: string;
  default: string;
  evidence: Evidence;
}

const at = (source: GoSource, offset: number, note: string): Evidence => evidence(source.file, note, source.text, offset);

const hasImport = (files: readonly GoSource[], pattern: RegExp): boolean => files.some((source) => source.imports.some((item) => pattern.test(item.path)));

/** A name or a constant holding one: `"PORT"` or `envPort` with `const envPort = "PORT"`. */
const nameOf = (expression: string, constants: Map<string, string>): string | undefined => {
  const literal = stringValue(expression);
  if (literal !== undefined) return literal;
  return /^\w+$/.test(expression.trim()) ? constants.get(expression.trim()) : undefined;
};

/** `v := os.Getenv("X")` followed by `if v == "" { v = "d" }`: the fallback the code assigns. */
const fallbackAfter = (code: string, variable: string, from: number): string | undefined => {
  const window = code.slice(from, from + 400);
  const escaped = variable.replace(/[.]/g, '\\.');
  const check = new RegExp(`if\\s+(?:!\\w+|${escaped}\\s*==\\s*""|len\\(${escaped}\\)\\s*==\\s*0|${escaped}\\s*==\\s*0)\\s*\\{\\s*${escaped}\\s*=\\s*([^\\n;}]+)`);
  const match = check.exec(window);
  return match ? literalValue(match[1]) : undefined;
};

const readGetenv = (source: GoSource, found: FoundSetting[]) => {
  let constants: Map<string, string> | undefined;
  for (const match of source.code.matchAll(/\b(?:os|syscall)\.(Getenv|LookupEnv)\s*\(/g)) {
    constants ??= stringConstants(source.code);
    const open = match.index! + match[0].length - 1;
    const [arg] = callArguments(source.code, open);
    const name = arg && nameOf(arg.text, constants);
    if (!name) continue;
    const before = source.code.slice(Math.max(0, match.index! - 80), match.index!);
    const assigned = /(\w+(?:\.\w+)*)\s*(?:,\s*\w+\s*)?:?=\s*$/.exec(before)?.[1];
    const close = closingBracket(source.code, open);
    let fallback = assigned ? fallbackAfter(source.code, assigned, close) : undefined;
    // cmp.Or(os.Getenv("X"), "d") and similar "first non-empty" helpers.
    const or = /\b(?:cmp\.Or|firstNonEmpty|coalesce|valueOr\w*)\s*\(\s*$/.exec(before);
    if (or) {
      const outer = callArguments(source.code, match.index! - (before.length - or.index! - or[0].length) - 1);
      if (outer.length > 1) fallback = literalValue(outer[outer.length - 1].text);
    }
    found.push({ name, ...(fallback !== undefined ? { default: fallback } : {}), evidence: at(source, match.index!, `os.${match[1]}("${name}")`) });
  }
};

/** `getEnv("X", "d")`, `envOr("X", 8080)`, `env.GetString("X", "d")`: helpers named after the environment. */
const readHelpers = (source: GoSource, found: FoundSetting[]) => {
  // Found from the argument back to the callee: a leading \w* in the pattern would be tried at every word.
  for (const argument of source.code.matchAll(/\(\s*"([A-Z][A-Z0-9_]*)"\s*(,|\))/g)) {
    const open = argument.index!;
    const windowStart = Math.max(0, open - 80);
    const callee = /((?:\w+\.)?\w+)\s*$/.exec(source.code.slice(windowStart, open));
    if (!callee || !/env/i.test(callee[1])) continue;
    const name = callee[1].slice(callee[1].lastIndexOf('.') + 1);
    if (/^(os|syscall)\./.test(callee[1]) || /^(Getenv|LookupEnv|Setenv|Unsetenv)$/.test(name) || /^(Set|Unset|Bind|Automatic|Allow)|Prefix|Replacer/.test(name)) continue;
    const start = windowStart + callee.index;
    if (/\bfunc\s*$/.test(source.code.slice(Math.max(0, start - 6), start))) continue;
    const args = callArguments(source.code, open);
    const fallback = args.length > 1 ? literalValue(args[1].text) : undefined;
    found.push({ name: argument[1], ...(fallback !== undefined ? { default: fallback } : {}), evidence: at(source, start, `${callee[1]}("${argument[1]}")`) });
  }
};

/** Struct tag keys and values: `env:"PORT,default=8080" envDefault:"x"`. */
const tagPairs = (tag: string): Map<string, string> => new Map([...tag.matchAll(/(\w+):"((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));

/** Struct fields with a tag, line by line: name, tag pairs and the offset of the field. */
const taggedFields = (source: GoSource): { field: string; tags: Map<string, string>; offset: number }[] =>
  [...source.code.matchAll(/^[ \t]*(\w+)[ \t]+[^`\n{}]*`([^`\n]*)`/gm)].map((match) => ({ field: match[1], tags: tagPairs(match[2]), offset: match.index! + match[0].length - match[0].trimStart().length }));

const firstString = (files: readonly GoSource[], pattern: RegExp): string | undefined => {
  for (const source of files) {
    const match = pattern.exec(source.code);
    if (match) return nameOf(match[1], stringConstants(source.code));
  }
  return undefined;
};

const readEnvTags = (files: readonly GoSource[], found: FoundSetting[]) => {
  const kelsey = hasImport(files, /^github\.com\/kelseyhightower\/envconfig$/);
  const kelseyPrefix = kelsey ? firstString(files, /\benvconfig\.(?:Process|MustProcess|Usage)\s*\(\s*("[^"]*"|\w+)/) : undefined;
  const sethvargoPrefix = firstString(files, /\bPrefixLookuper\s*\(\s*("[^"]*"|\w+)/);
  const caarlosPrefix = firstString(files, /\benv\.Options\s*\{[^}]*\bPrefix:\s*("[^"]*"|\w+)/);
  for (const source of files) {
    for (const { field, tags, offset } of taggedFields(source)) {
      const envconfig = tags.get('envconfig');
      if (envconfig !== undefined && kelsey) {
        const [key] = envconfig.split(',');
        if (!key || key === '-') continue;
        const name = (kelseyPrefix ? `${kelseyPrefix}_${key}` : key).toUpperCase();
        const fallback = tags.get('default');
        found.push({ name, field, ...(fallback !== undefined ? { default: fallback } : {}), evidence: at(source, offset, `envconfig:"${key}"${kelseyPrefix ? ` with prefix ${kelseyPrefix}` : ''}`) });
        continue;
      }
      const env = tags.get('env');
      if (env === undefined) continue;
      const [key, ...options] = env.split(',').map((part) => part.trim());
      // HOSTNAME and the like come from the platform, whatever prefix the lookup would add.
      if (!key || key === '-' || !isApplicationSetting(key)) continue;
      // sethvargo/go-envconfig writes the default inside the env tag; caarlos0/env beside it.
      const inline = env.match(/,\s*default=(.*)$/)?.[1];
      const fallback = inline ?? tags.get('envDefault');
      const prefix = inline !== undefined || options.some((option) => /^(required|overwrite|noinit|decodeunset|delimiter=.*|prefix=.*)$/.test(option)) ? sethvargoPrefix : (caarlosPrefix ?? sethvargoPrefix);
      const name = `${prefix ?? ''}${key}`;
      found.push({ name, field, ...(fallback !== undefined ? { default: fallback } : {}), evidence: at(source, offset, `env:"${key}"${prefix ? ` with prefix ${prefix}` : ''}`) });
    }
  }
};

/** `APIHost` -> API, Host; `CORSAllowedOrigins` -> CORS, Allowed, Origins (ardanlabs/conf's split). */
export const camelWords = (name: string): string[] => name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [name];

interface StructField {
  name: string;
  tag?: Map<string, string>;
  offset: number;
  children?: StructField[];
  embedded?: boolean;
}

/** The fields of the struct body whose `{` is at `open`, nested anonymous structs included. */
const structFields = (code: string, open: number): StructField[] => {
  const close = closingBracket(code, open);
  if (close === -1) return [];
  const fields: StructField[] = [];
  let index = open + 1;
  while (index < close) {
    const lineEnd = code.indexOf('\n', index);
    const end = lineEnd === -1 || lineEnd > close ? close : lineEnd;
    const line = code.slice(index, end);
    const nested = /^\s*(\w+)\s+struct\s*\{/.exec(line);
    if (nested) {
      const braceAt = index + nested[0].length - 1;
      const nestedClose = closingBracket(code, braceAt);
      const tag = /^\s*`([^`]*)`/.exec(code.slice(nestedClose + 1, code.indexOf('\n', nestedClose + 1)));
      fields.push({ name: nested[1], offset: index + nested[0].indexOf(nested[1]), children: structFields(code, braceAt), ...(tag ? { tag: tagPairs(tag[1]) } : {}) });
      const next = code.indexOf('\n', nestedClose);
      index = next === -1 ? close : next + 1;
      continue;
    }
    const plain = /^\s*(\w+)\s+([^`\s][^`]*?)\s*(?:`([^`]*)`)?\s*$/.exec(line);
    const embedded = /^\s*\*?([\w.]+)\s*(?:`[^`]*`)?\s*$/.exec(line);
    if (plain) fields.push({ name: plain[1], offset: index + line.indexOf(plain[1]), ...(plain[3] !== undefined ? { tag: tagPairs(plain[3]) } : {}) });
    else if (embedded && embedded[1] !== '') fields.push({ name: embedded[1], offset: index + line.indexOf(embedded[1]), embedded: true });
    index = end + 1;
  }
  return fields;
};

/** Options of an ardanlabs/conf tag: `default:0.0.0.0:3000,mask,env:NAME`. */
const confOptions = (tag: string | undefined): Map<string, string> => {
  const options = new Map<string, string>();
  for (const part of (tag ?? '').split(',')) {
    const colon = part.indexOf(':');
    const key = (colon === -1 ? part : part.slice(0, colon)).trim();
    if (key) options.set(key, colon === -1 ? '' : part.slice(colon + 1));
  }
  return options;
};

const readConf = (files: readonly GoSource[], found: FoundSetting[]) => {
  for (const source of files) {
    if (!source.imports.some((item) => /^github\.com\/ardanlabs\/conf(\/v\d+)?$/.test(item.path))) continue;
    const constants = stringConstants(source.code);
    for (const call of source.code.matchAll(/\bconf\.Parse\s*\(\s*([^,]+?)\s*,\s*&(\w+)\s*\)/g)) {
      const prefix = nameOf(call[1], constants) ?? '';
      const variable = call[2];
      const literal = new RegExp(`\\b${variable}\\s*:?=\\s*struct\\s*\\{`).exec(source.code);
      const typed = new RegExp(`\\b(?:var\\s+${variable}\\s+|${variable}\\s*:?=\\s*&?)(\\w+)\\b`).exec(source.code);
      let open = literal ? literal.index + literal[0].length - 1 : -1;
      let where = source;
      if (open === -1 && typed) {
        for (const candidate of files.filter((other) => other.dir === source.dir)) {
          const declaration = new RegExp(`\\btype\\s+${typed[1]}\\s+struct\\s*\\{`).exec(candidate.code);
          if (declaration) {
            open = declaration.index + declaration[0].length - 1;
            where = candidate;
            break;
          }
        }
      }
      if (open === -1) continue;
      const walk = (fields: StructField[], path: string[]) => {
        for (const field of fields) {
          if (field.embedded) continue;
          const options = confOptions(field.tag?.get('conf'));
          if (field.children) {
            walk(field.children, [...path, ...camelWords(field.name)]);
            continue;
          }
          if (options.has('-') || field.name === 'Args') continue;
          const words = options.has('env') ? [options.get('env')!] : [...path, ...camelWords(field.name)];
          const name = [prefix, ...words].filter(Boolean).join('_').toUpperCase();
          const fallback = options.get('default');
          found.push({
            name,
            field: [...path, ...camelWords(field.name)].join('_'),
            ...(fallback !== undefined ? { default: fallback } : {}),
            ...(options.has('mask') ? { secret: true } : {}),
            evidence: at(where, field.offset, `conf field ${[...path, field.name].join('.')}${prefix ? ` with prefix ${prefix}` : ''}`),
          });
        }
      };
      walk(structFields(where.code, open), []);
    }
  }
};

/** pflag/cobra and standard flag definitions with a literal default. */
export const readFlags = (files: readonly GoSource[]): FoundFlag[] => {
  const flags: FoundFlag[] = [];
  const definition = /\.(String|Int|Int64|Uint|Uint16|Bool|Duration)(Var)?(P)?\s*\(/g;
  for (const source of files) {
    if (!/flag/i.test(source.code)) continue;
    for (const match of source.code.matchAll(definition)) {
      // flag.String, cmd.Flags().IntP, fs.String, flagSet.StringVar: judged on the receiver before the dot.
      if (!/(?:\bflag|\bfs|\bflags|[Ff]lags\(\)|[Ff]lag[Ss]et)$/.test(source.code.slice(Math.max(0, match.index! - 40), match.index!))) continue;
      const args = callArguments(source.code, match.index! + match[0].length - 1);
      const nameAt = match[2] ? 1 : 0;
      const defaultAt = nameAt + (match[3] ? 2 : 1);
      const name = args[nameAt] && stringValue(args[nameAt].text);
      const fallback = args[defaultAt] && literalValue(args[defaultAt].text);
      if (name && fallback !== undefined) flags.push({ name, default: fallback, evidence: at(source, match.index!, `flag --${name} defaults to ${fallback}`) });
    }
  }
  return flags;
};

const readViper = (files: readonly GoSource[], flags: readonly FoundFlag[], found: FoundSetting[]) => {
  if (!hasImport(files, /^github\.com\/spf13\/viper$/)) return;
  const automatic = files.some((source) => /\bAutomaticEnv\s*\(\s*\)/.test(source.code));
  const prefix = firstString(files, /\bSetEnvPrefix\s*\(\s*("[^"]*"|\w+)\s*\)/);
  const replacements: [string, string][] = [];
  for (const source of files) {
    // SetEnvKeyReplacer(strings.NewReplacer(".", "_")), or the replacer built on a line of its own.
    if (!/\bSetEnvKeyReplacer\s*\(/.test(source.code)) continue;
    for (const replacer of source.code.matchAll(/\bstrings\.NewReplacer\s*\(([^)]*)\)/g)) {
      const parts = replacer[1].split(',').map((part) => stringValue(part) ?? '');
      for (let index = 0; index + 1 < parts.length; index += 2) replacements.push([parts[index], parts[index + 1]]);
    }
  }
  const envName = (key: string) => {
    let replaced = key;
    for (const [from, to] of replacements) if (from) replaced = replaced.split(from).join(to);
    return (prefix ? `${prefix}_${replaced}` : replaced).toUpperCase();
  };
  for (const source of files) {
    const flagKeys = new Map<string, string>();
    for (const bind of source.code.matchAll(/\bBindPFlag\s*\(\s*"([^"]+)"\s*,[^\n]*?Lookup\s*\(\s*"([^"]+)"/g)) flagKeys.set(bind[1], bind[2]);
    for (const match of source.code.matchAll(/\b(SetDefault|BindEnv|BindPFlag|Get\w*)\s*\(\s*"([^"]+)"\s*(,|\))/g)) {
      const [, call, key] = match;
      const receiver = source.code.slice(Math.max(0, match.index! - 24), match.index!);
      if (!/(\bviper|\bv|[Vv]iper\(\))\.\s*$/.test(receiver)) continue;
      const args = callArguments(source.code, match.index! + match[0].indexOf('('));
      if (call === 'BindEnv' && args.length > 1) {
        for (const arg of args.slice(1)) {
          const name = stringValue(arg.text);
          if (name) found.push({ name, evidence: at(source, match.index!, `viper.BindEnv("${key}", "${name}")`) });
        }
        continue;
      }
      if (!automatic && call !== 'BindEnv') continue;
      const flag = flags.find((candidate) => candidate.name === (flagKeys.get(key) ?? key));
      const fallback = call === 'SetDefault' && args[1] ? literalValue(args[1].text) : call === 'BindPFlag' ? flag?.default : undefined;
      found.push({ name: envName(key), field: key, ...(fallback !== undefined ? { default: fallback } : {}), evidence: at(source, match.index!, `viper key "${key}"${prefix ? ` (env prefix ${prefix})` : ''}`) });
    }
  }
};

/** Every environment variable the program's files read, in the order found (duplicates kept for callers). */
export const readGoSettings = (files: readonly GoSource[], flags: readonly FoundFlag[]): FoundSetting[] => {
  const found: FoundSetting[] = [];
  readConf(files, found);
  readEnvTags(files, found);
  readViper(files, flags, found);
  for (const source of files) {
    readGetenv(source, found);
    readHelpers(source, found);
  }
  // A later sighting with a default completes an earlier one without (viper BindEnv then SetDefault).
  const merged = new Map<string, FoundSetting>();
  for (const setting of found) {
    const known = merged.get(setting.name);
    if (!known) merged.set(setting.name, setting);
    else if (known.default === undefined && setting.default !== undefined) merged.set(setting.name, { ...known, default: setting.default });
  }
  return [...merged.values()];
};
