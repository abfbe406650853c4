/**
 * Schema migrations of a Go service. Migrations the binary applies itself at start-up (goose or
 * golang-migrate called from the code, GORM AutoMigrate, an embedded migrations folder and a Migrate call)
 * run with the service's own start; otherwise a migrations folder is applied with its tool's CLI:
 * `goose -dir db/migrations postgres "$DATABASE_URL" up` or `migrate -path ... -database "$DATABASE_URL" up`.
 */
import path from 'node:path';
import type { DatastoreEngine, ServiceMigrations } from '../../catalog/service.js';
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { folderOf } from '../workspaces.js';
import type { GoSource } from './module.js';
import type { FoundSetting } from './settings.js';
import { relativePath } from '../../repo-paths.js';

export interface GoMigrations {
  value: ServiceMigrations;
  evidence: Evidence;
  /** True when the binary applies them at start-up. */
  atStartup: boolean;
  what: string;
}

const imports = (source: GoSource, pattern: RegExp) => source.imports.some((item) => pattern.test(item.path));

/** The setting that holds the database connection string, for CLI commands. */
const dsnSetting = (settings: readonly FoundSetting[]): string =>
  settings.find((setting) => /(^|_)(DATABASE_URL|DB_URL|DSN|DB_DSN|DATABASE_DSN|POSTGRES_URL|MYSQL_URL|DB_CONN(ECTION)?(_STRING)?)$/.test(setting.name))?.name ?? 'DATABASE_URL';

export const embeddedMigrations = (files: readonly GoSource[], startCommand: string): GoMigrations | undefined => {
  for (const source of files) {
    const goose = imports(source, /^github\.com\/pressly\/goose(\/v\d+)?$/) && /\bgoose\.(?:Up|UpContext|UpTo|UpToContext|Run|RunContext)\s*\(|\.Up\s*\(\s*ctx/.exec(source.code);
    if (goose) return { value: { tool: 'goose', command: startCommand }, evidence: evidence(source.file, 'goose migrations applied by the program', source.text, goose.index), atStartup: true, what: 'goose' };
    const migrate = imports(source, /^github\.com\/golang-migrate\/migrate(\/v\d+)?$/) && /\.(?:Up|Steps|Migrate)\s*\(/.exec(source.code);
    if (migrate) return { value: { tool: 'golang-migrate', command: startCommand }, evidence: evidence(source.file, 'golang-migrate migrations applied by the program', source.text, migrate.index), atStartup: true, what: 'golang-migrate' };
  }
  for (const source of files) {
    const gorm = /\.AutoMigrate\s*\(/.exec(source.code);
    if (gorm) return { value: { tool: 'other', command: startCommand }, evidence: evidence(source.file, 'GORM AutoMigrate at start-up', source.text, gorm.index), atStartup: true, what: 'GORM AutoMigrate' };
  }
  const embeds = files.find((source) => /^[ \t]*\/\/go:embed\s+[^\n]*migrat/im.test(source.text));
  if (embeds) {
    for (const source of files) {
      for (const match of source.code.matchAll(/\bMigrate\w*\s*\(/g)) {
        const line = source.code.slice(source.code.lastIndexOf('\n', match.index) + 1, match.index);
        if (/^\s*func\b/.test(line)) continue;
        return {
          value: { tool: 'other', command: startCommand },
          evidence: evidence(source.file, `embedded migrations (${embeds.file}) applied at start-up`, source.text, match.index),
          atStartup: true,
          what: 'its own embedded migrations',
        };
      }
    }
  }
  return undefined;
};

const migrationFolders = (index: RepoIndex, moduleFolder: string, exclude: readonly string[]): Map<string, string[]> => {
  const folders = new Map<string, string[]>();
  for (const file of index.filesUnder(moduleFolder)) {
    if (!file.endsWith('.sql') || !/(^|\/)[^/]*migrat[^/]*\//i.test(file)) continue;
    if (exclude.some((other) => file.startsWith(`${other}/`))) continue;
    const folder = folderOf(file);
    folders.set(folder, [...(folders.get(folder) ?? []), file]);
  }
  return folders;
};

export const findGoMigrations = (
  files: readonly GoSource[],
  index: RepoIndex,
  moduleFolder: string,
  servicePath: string,
  nestedModules: readonly string[],
  uses: readonly DatastoreEngine[],
  settings: readonly FoundSetting[],
  startCommand: string,
): GoMigrations | undefined => {
  const own = embeddedMigrations(files, startCommand);
  if (own) return own;
  for (const [folder, sqlFiles] of migrationFolders(index, moduleFolder, nestedModules)) {
    const relative = relativePath(servicePath, folder);
    const dsn = dsnSetting(settings);
    const gooseFile = sqlFiles.find((file) => /^--\s*\+goose\s+Up/im.test(index.read(file) ?? ''));
    if (gooseFile) {
      const driver = uses.includes('mysql') ? 'mysql' : uses.includes('postgres') ? 'postgres' : 'sqlite3';
      return {
        value: { tool: 'goose', command: `goose -dir ${relative} ${driver} "$${dsn}" up` },
        evidence: evidence(gooseFile, 'goose migration (-- +goose Up)'),
        atStartup: false,
        what: 'goose',
      };
    }
    const up = sqlFiles.find((file) => /\.up\.sql$/.test(file));
    if (up) {
      return {
        value: { tool: 'golang-migrate', command: `migrate -path ${relative} -database "$${dsn}" up` },
        evidence: evidence(up, 'golang-migrate migration (*.up.sql)'),
        atStartup: false,
        what: 'golang-migrate',
      };
    }
  }
  return undefined;
};

/**
 * Migrations a tool of the module applies (an admin CLI with a `migrate` command): run with `go run` from
 * the service folder, as they are not part of the service's own binary.
 */
export const toolMigrations = (toolFiles: readonly GoSource[], toolDir: string, ownFiles: readonly GoSource[], servicePath: string): GoMigrations | undefined => {
  const relative = path.posix.relative(servicePath === '.' ? '' : servicePath, toolDir);
  const literal = ownFiles.map((source) => /"(migrate(?:-[\w-]+)?)"/.exec(source.code)?.[1]).find(Boolean);
  const command = ['go run', relative.startsWith('.') ? relative : `./${relative}`, literal].filter(Boolean).join(' ');
  const found = embeddedMigrations(toolFiles, command);
  if (!found) return undefined;
  const note = `${found.what} applied by the tool ${toolDir}${literal ? ` (${literal})` : ''}`;
  return { ...found, value: { tool: found.value.tool, command }, evidence: { ...found.evidence, note }, atStartup: false, what: note };
};
