/**
 * Spring Boot's configuration files (src/main/resources/application.properties, .yml, .yaml and their
 * application-<profile> variants, YAML documents activated by a profile), flattened to dotted keys with the
 * file and line of every value. The effective value of a key is the base value, overridden by the profiles
 * the base activates and by the production profile when one is obviously meant for production.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { RepoIndex } from '../repo-index.js';
import { RepoIndex as Index } from '../repo-index.js';

export interface ConfigEntry {
  key: string;
  value: string;
  file: string;
  line: number;
  /** '' for the base configuration. */
  profile: string;
}

const productionProfile = /^(prod|production|prd|live)$/i;
/** Profiles that never describe the deployed service. */
const nonDeployedProfile = /^(test|tests|it|integration(-?tests?)?|e2e|dev|develop|development|local|ci|debug|mock|testcontainers)$/i;

const readProperties = (file: string, text: string, profile: string): ConfigEntry[] => {
  const entries: ConfigEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    let line = lines[index];
    const start = index;
    if (/^\s*([#!]|$)/.test(line)) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && index + 1 < lines.length) line = line.slice(0, -1) + lines[++index].trimStart();
    const match = /^\s*((?:[^=:\s\\]|\\.)+)\s*(?:[=:]\s*|\s+)?(.*)$/.exec(line);
    if (match) entries.push({ key: match[1].replace(/\\(.)/g, '$1'), value: match[2].trim(), file, line: start + 1, profile });
  }
  return entries;
};

const profileOfDocument = (entries: ConfigEntry[]): string | undefined => {
  const activation = entries.find((entry) => entry.key === 'spring.config.activate.on-profile' || entry.key === 'spring.profiles' || /^spring\.config\.activate\.on-profile\[0\]$/.test(entry.key));
  return activation ? activation.value.split(/[|,&!\s()]+/).find(Boolean) : undefined;
};

const readYaml = (file: string, text: string, profile: string): ConfigEntry[] => {
  const counter = new LineCounter();
  let documents;
  try {
    documents = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!Array.isArray(documents)) return [];
  const all: ConfigEntry[] = [];
  for (const document of documents) {
    const entries: ConfigEntry[] = [];
    const walk = (node: Node | null | undefined, prefix: string, line: number) => {
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          const keyLine = isScalar(pair.key) && pair.key.range ? counter.linePos(pair.key.range[0]).line : line;
          walk(pair.value as Node, prefix ? `${prefix}.${key}` : key, keyLine);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, position) => walk(item as Node, `${prefix}[${position}]`, isScalar(item) && item.range ? counter.linePos(item.range[0]).line : line));
      } else if (isScalar(node)) {
        entries.push({ key: prefix, value: node.value === null ? '' : String(node.value), file, line, profile });
      } else if (node === null || node === undefined) {
        if (prefix) entries.push({ key: prefix, value: '', file, line, profile });
      }
    };
    walk(document.contents as Node, '', 1);
    const activated = profileOfDocument(entries);
    all.push(...(activated ? entries.map((entry) => ({ ...entry, profile: activated })) : entries));
  }
  return all;
};

export class SpringConfig {
  private constructor(
    readonly entries: ConfigEntry[],
    /** Profiles the base activates (spring.profiles.active). */
    readonly active: string[],
    readonly production?: string,
  ) {}

  static read(index: RepoIndex, folder: string): SpringConfig {
    const resources = Index.join(folder, 'src/main/resources');
    const entries: ConfigEntry[] = [];
    for (const file of index.filesUnder(resources)) {
      const name = file.slice(resources.length + 1);
      const match = /^application(?:-([\w.-]+))?\.(properties|ya?ml)$/.exec(name);
      if (!match) continue;
      const text = index.read(file) ?? '';
      entries.push(...(match[2] === 'properties' ? readProperties(file, text, match[1] ?? '') : readYaml(file, text, match[1] ?? '')));
    }
    const activeEntry = entries.filter((entry) => entry.profile === '' && (entry.key === 'spring.profiles.active' || /^spring\.profiles\.active\[\d+\]$/.test(entry.key)));
    const active = activeEntry.flatMap((entry) => entry.value.replace(/\$\{[^}:]*:?([^}]*)\}/g, '$1').split(',')).map((profile) => profile.trim()).filter(Boolean);
    const profiles = new Set(entries.map((entry) => entry.profile).filter(Boolean));
    const production = [...profiles].find((profile) => productionProfile.test(profile));
    return new SpringConfig(entries, active, production);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  profiles(): string[] {
    return [...new Set(this.entries.map((entry) => entry.profile).filter(Boolean))];
  }

  /** The effective entry of a key: base, then active profiles, then the production profile, the last one wins. */
  value(key: string): ConfigEntry | undefined {
    const layers = ['', ...this.active, ...(this.production ? [this.production] : [])];
    let found: ConfigEntry | undefined;
    for (const layer of layers) {
      const entry = this.entries.filter((candidate) => candidate.profile === layer && candidate.key === key).pop();
      if (entry) found = entry;
    }
    return found;
  }

  /** Entries whose settings the deployed service may read: every profile but test and development ones. */
  deployedEntries(): ConfigEntry[] {
    return this.entries.filter((entry) => entry.profile === '' || this.active.includes(entry.profile) || !nonDeployedProfile.test(entry.profile));
  }
}

/** The environment variable Spring's relaxed binding maps to a property: `jwt.session-time` -> JWT_SESSIONTIME. */
export const relaxedEnvName = (key: string): string =>
  key
    .replace(/\[(\d+)\]/g, '_$1')
    .replace(/[.]/g, '_')
    .replace(/-/g, '')
    .toUpperCase();

export interface Placeholder {
  name: string;
  default?: string;
  offset: number;
}

/** `${X}` and `${X:default}` placeholders of a value (a default may itself hold one: `${A:${B:x}}`). */
export const placeholders = (value: string): Placeholder[] => {
  const found: Placeholder[] = [];
  const pattern = /\$\{([^}:${]+)(?::((?:[^{}]|\{[^{}]*\})*))?\}/g;
  for (const match of value.matchAll(pattern)) {
    found.push({ name: match[1].trim(), ...(match[2] !== undefined && !match[2].includes('${') ? { default: match[2] } : {}), offset: match.index! });
    if (match[2]?.includes('${')) found.push(...placeholders(match[2]));
  }
  return found;
};
