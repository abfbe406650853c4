/**
 * Datastores and schema migrations: client libraries and ORMs (Prisma's schema provider, TypeORM, Knex,
 * Sequelize and Drizzle configuration), URLs in example env files, and how migrations run (the project's
 * own script first, else the tool's deploy command).
 */
import path from 'node:path';
import type { DatastoreEngine, MigrationTool } from '../../catalog/service.js';
import type { DetectContext } from '../context.js';
import { evidence, type Found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { inFolder } from '../workspaces.js';
import { configFile } from './build-output.js';
import { splitChain, unwrap } from './commands.js';
import { envEntries } from './env-files.js';
import { jsonKeyEvidence, mapOf, type NodePackage } from './manifest.js';
import { codeIf, codeOf, packagesImportedBy } from './source.js';
import { compiledPath } from './typescript.js';
import { relativePath } from '../../repo-paths.js';

type Engine = DatastoreEngine | 'sqlite';

const drivers: Record<string, Engine> = {
  pg: 'postgres',
  postgres: 'postgres',
  'pg-promise': 'postgres',
  '@neondatabase/serverless': 'postgres',
  '@vercel/postgres': 'postgres',
  slonik: 'postgres',
  '@prisma/adapter-pg': 'postgres',
  '@prisma/adapter-neon': 'postgres',
  'pg-boss': 'postgres',
  'graphile-worker': 'postgres',
  '@mikro-orm/postgresql': 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  '@planetscale/database': 'mysql',
  '@prisma/adapter-planetscale': 'mysql',
  '@mikro-orm/mysql': 'mysql',
  mongodb: 'mongodb',
  mongoose: 'mongodb',
  '@typegoose/typegoose': 'mongodb',
  '@nestjs/mongoose': 'mongodb',
  '@mikro-orm/mongodb': 'mongodb',
  redis: 'redis',
  ioredis: 'redis',
  bullmq: 'redis',
  bull: 'redis',
  'bee-queue': 'redis',
  '@nestjs/bull': 'redis',
  '@nestjs/bullmq': 'redis',
  'connect-redis': 'redis',
  '@keyv/redis': 'redis',
  'cache-manager-redis-store': 'redis',
  'cache-manager-ioredis-yet': 'redis',
  'cache-manager-redis-yet': 'redis',
  'rate-limit-redis': 'redis',
  '@socket.io/redis-adapter': 'redis',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  '@libsql/client': 'sqlite',
};

const dialects: Record<string, Engine> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  pg: 'postgres',
  cockroachdb: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  mongodb: 'mongodb',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  turso: 'sqlite',
};

const urlSchemes: [RegExp, Engine][] = [
  [/^postgres(ql)?(\+\w+)?:\/\//, 'postgres'],
  [/^mysql2?(\+\w+)?:\/\//, 'mysql'],
  [/^mongodb(\+srv)?:\/\//, 'mongodb'],
  [/^rediss?:\/\//, 'redis'],
];

export interface DataFound {
  uses: Map<DatastoreEngine, Evidence>;
  migrations?: Found<{ tool: MigrationTool; command: string }>;
  notes: string[];
  /** Env names the ORM configuration reads (Prisma `env("DATABASE_URL")`). */
  settings: { name: string; evidence: Evidence }[];
}

/* ------------------------------------------------------------------------------------------------ */
/* Prisma                                                                                            */

interface PrismaSchema {
  file: string;
  provider?: string;
  providerOffset: number;
  migrations?: string;
  /** Declared where prisma finds it by itself (default location, package.json prisma.schema, prisma.config). */
  implicit: boolean;
}

const prismaSchema = (index: RepoIndex, folder: string): PrismaSchema | undefined => {
  const manifest = index.json(inFolder(folder, 'package.json'));
  const declared = typeof mapOf(manifest?.prisma).schema === 'string' ? inFolder(folder, mapOf(manifest?.prisma).schema) : undefined;
  const configFileName = configFile(index, folder, 'prisma');
  const configured = configFileName ? (codeOf(index, configFileName) ?? '').match(/\bschema\s*:\s*(['"`])([^'"`$]+)\1/)?.[2] : undefined;
  const candidates = [
    ...(declared ? [path.posix.normalize(declared)] : []),
    ...(configured ? [path.posix.normalize(inFolder(folder, configured))] : []),
    inFolder(folder, 'prisma/schema.prisma'),
    inFolder(folder, 'schema.prisma'),
  ];
  let file = candidates.find((candidate) => index.has(candidate));
  let implicit = Boolean(file);
  if (!file && configured && index.isFolder(path.posix.normalize(inFolder(folder, configured)))) {
    file = index.filesUnder(path.posix.normalize(inFolder(folder, configured))).find((candidate) => candidate.endsWith('.prisma'));
  }
  if (!file) {
    // Several schemas (one per database): schema.prisma files first, a server database before SQLite.
    const own = index.filesUnder(folder).filter((candidate) => candidate.endsWith('.prisma') && !/(^|\/)(node_modules|test|tests|examples?)\//.test(candidate));
    const score = (candidate: string) => (candidate.endsWith('/schema.prisma') ? 0 : 10) + (/sqlite/i.test(candidate) ? 5 : 0) + candidate.split('/').length / 100;
    file = own.sort((a, b) => score(a) - score(b))[0];
    implicit = file ? path.posix.dirname(file) === inFolder(folder, 'prisma/schema') : false;
  }
  if (!file) return undefined;
  // Multi-file schemas (prisma/schema/*.prisma) keep the datasource in one of the files.
  const schemaFiles = path.posix.basename(path.posix.dirname(file)) === 'schema' ? index.filesUnder(path.posix.dirname(file)).filter((one) => one.endsWith('.prisma')) : [file];
  let provider: string | undefined;
  let providerOffset = -1;
  let providerFile = file;
  for (const one of schemaFiles) {
    const text = index.read(one) ?? '';
    const block = text.match(/datasource\s+\w+\s*\{[^}]*?provider\s*=\s*"(\w+)"/);
    if (block) {
      provider = block[1];
      providerOffset = block.index! + block[0].lastIndexOf('provider');
      providerFile = one;
      break;
    }
  }
  const schemaFolder = path.posix.dirname(file);
  const migrationsFolder = [`${schemaFolder}/migrations`, `${path.posix.dirname(schemaFolder)}/migrations`].find((candidate) => index.filesUnder(candidate).some((one) => /migration\.sql$|migration_lock\.toml$/.test(one)));
  return { file: providerFile, provider, providerOffset, migrations: migrationsFolder, implicit };
};

/* ------------------------------------------------------------------------------------------------ */
/* Migration commands                                                                                */

const migrationCommands: [MigrationTool, RegExp][] = [
  ['prisma', /\bprisma\s+migrate\s+deploy\b/],
  ['drizzle', /\bdrizzle-kit\s+migrate\b/],
  ['knex', /\bknex\s+migrate:latest\b/],
  ['typeorm', /\btypeorm(?:-ts-node-(?:commonjs|esm))?\s+migration:run\b/],
  ['sequelize', /\bsequelize(?:-cli)?\s+db:migrate\b(?!:)/],
  ['node-pg-migrate', /\bnode-pg-migrate\s+up\b/],
];

const withoutRunner = (command: string) => command.replace(/^(?:npx|pnpm\s+exec|pnpm\s+dlx|yarn(?:\s+run)?|bunx|bun\s+x|npm\s+exec)\s+(?:--\s+)?/, '');

/**
 * A script of the package that runs a migration tool. A script named for migrations (`migrate:deploy`,
 * `db:migrate`, `predeploy`) keeps its whole chain (a data migration may follow the schema one); in any
 * other script (a build that also migrates) only the tool's command counts.
 */
const migrationScript = (index: RepoIndex, pkg: NodePackage): Found<{ tool: MigrationTool; command: string }> | undefined => {
  const text = index.read(pkg.file) ?? '';
  const named = (name: string) => /migrat|deploy|^db[:-]|[:-]db$/i.test(name);
  const entries = Object.entries(pkg.scripts).sort(([a], [b]) => Number(named(b)) - Number(named(a)));
  for (const [name, body] of entries) {
    const parts = splitChain(body).map((part) => withoutRunner(unwrap(part).command));
    const position = parts.findIndex((command) => migrationCommands.some(([, pattern]) => pattern.test(command)) && !/\bmigrate\s+(dev|reset)\b/.test(command));
    if (position === -1) continue;
    const tool = migrationCommands.find(([, pattern]) => pattern.test(parts[position]))![0];
    const whole = named(name) && parts.every((part) => !/\b(build|start|dev|serve|test|lint)\b/.test(part));
    return { value: { tool, command: whole ? parts.join(' && ') : parts[position] }, evidence: evidence(pkg.file, `scripts.${name}: ${body}`, text, text.indexOf(`"${name}"`)) };
  }
  return undefined;
};

/** `typeorm-ts-node-commonjs migration:run -d src/data-source.ts` runs on the compiled data source instead. */
const compiledTypeorm = (index: RepoIndex, folder: string, command: string): string => {
  const source = command.match(/(?:-d|--dataSource)[= ]\s*(\S+\.ts)\b/)?.[1];
  const compiled = source ? compiledPath(index, folder, source.replace(/^\.\//, '')) : undefined;
  const plain = command.replace(/^typeorm-ts-node-(?:commonjs|esm)\b/, 'typeorm');
  return compiled && source ? plain.replace(source, compiled.file) : plain;
};

/* ------------------------------------------------------------------------------------------------ */

export const findData = (
  context: DetectContext,
  pkg: NodePackage,
  sources: readonly string[],
  workspacePackages: readonly string[],
  linkedSources: readonly string[],
  ownsSchema: boolean,
): DataFound => {
  const index = context.index;
  const uses = new Map<DatastoreEngine, Evidence>();
  const notes: string[] = [];
  const settings: { name: string; evidence: Evidence }[] = [];
  let sqlite: string | undefined;
  const add = (engine: Engine, where: Evidence) => {
    if (engine === 'sqlite') sqlite ??= where.file;
    else if (!uses.has(engine)) uses.set(engine, where);
  };

  // Client libraries: the package's own, then the root's that its sources import, then its workspace packages'.
  for (const [dependency, engine] of Object.entries(drivers)) {
    if (dependency in pkg.ownDependencies) add(engine, jsonKeyEvidence(index, pkg.file, dependency, `depends on ${dependency}`));
  }
  const rootDrivers = pkg.root ? Object.entries(drivers).filter(([dependency, engine]) => dependency in pkg.root!.dependencies && engine !== 'sqlite' && !uses.has(engine as DatastoreEngine)) : [];
  if (pkg.root && rootDrivers.length > 0) {
    const imported = new Set([...sources, ...linkedSources].flatMap((file) => packagesImportedBy(index, file)));
    for (const [dependency, engine] of rootDrivers) {
      if (imported.has(dependency)) add(engine, jsonKeyEvidence(index, pkg.root.file, dependency, `the workspace root declares ${dependency}, imported by ${pkg.folder}`));
    }
  }
  for (const member of workspacePackages) {
    const file = inFolder(member, 'package.json');
    const dependencies = mapOf(index.json(file)?.dependencies);
    for (const [dependency, engine] of Object.entries(drivers)) {
      if (dependency in dependencies) add(engine, jsonKeyEvidence(index, file, dependency, `through workspace package ${member}, which depends on ${dependency}`));
    }
  }

  // Prisma: the schema's provider, in the package or in a workspace package it depends on.
  const prismaUsed = '@prisma/client' in pkg.ownDependencies || 'prisma' in pkg.ownDependencies || Boolean(pkg.root && ('@prisma/client' in pkg.root.dependencies || 'prisma' in pkg.root.dependencies));
  const own = prismaUsed || pkg.manifest.prisma || index.has(inFolder(pkg.folder, 'prisma/schema.prisma')) ? prismaSchema(index, pkg.folder) : undefined;
  const linkedSchemas = prismaUsed ? workspacePackages.map((member) => prismaSchema(index, member)).filter((schema): schema is PrismaSchema => Boolean(schema)) : [];
  const schemas = [...(own ? [own] : []), ...linkedSchemas];
  for (const schema of schemas) {
    const engine = schema.provider ? dialects[schema.provider] : undefined;
    if (engine) add(engine, evidence(schema.file, `Prisma datasource provider "${schema.provider}"`, index.read(schema.file), schema.providerOffset));
    const text = index.read(schema.file) ?? '';
    for (const match of text.matchAll(/\b(?:url|directUrl|shadowDatabaseUrl)\s*=\s*env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)/g)) {
      settings.push({ name: match[1], evidence: evidence(schema.file, `Prisma datasource env("${match[1]}")`, text, match.index) });
    }
  }
  const prismaConfig = configFile(index, pkg.folder, 'prisma');
  if (prismaConfig) {
    const code = codeOf(index, prismaConfig) ?? '';
    for (const match of code.matchAll(/\benv\(\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]\s*\)/g)) {
      settings.push({ name: match[1], evidence: evidence(prismaConfig, `prisma.config datasource env('${match[1]}')`, code, match.index) });
    }
  }

  // ORM configuration: TypeORM `type`, Knex `client`, Sequelize `dialect`, Drizzle `dialect`.
  const ormFiles = [
    ...sources.filter((file) => codeIf(index, file, /typeorm|DataSource|TypeOrmModule|knex|Sequelize|drizzle/) !== undefined),
    ...['knexfile', 'drizzle', 'ormconfig'].flatMap((name) => {
      const found = name === 'knexfile' ? ['ts', 'js', 'cjs', 'mjs'].map((extension) => inFolder(pkg.folder, `knexfile.${extension}`)).find((file) => index.has(file)) : configFile(index, pkg.folder, name);
      return found ? [found] : [];
    }),
    ...['ormconfig.json', 'config/config.json', 'ormconfig.json.example'].map((name) => inFolder(pkg.folder, name)).filter((file) => index.has(file)),
  ];
  for (const file of ormFiles) {
    const code = file.endsWith('.json') || file.endsWith('.example') ? (index.read(file) ?? '') : (codeOf(index, file) ?? '');
    for (const match of code.matchAll(/["']?\b(type|client|dialect|driver)["']?\s*:\s*['"`](\w[\w-]*)['"`]/g)) {
      const engine = dialects[match[2]];
      if (engine) add(engine, evidence(file, `${match[1]}: '${match[2]}'`, code, match.index));
    }
  }

  // URLs in the package's example env files.
  for (const entry of envEntries(index, [pkg.folder])) {
    const engine = urlSchemes.find(([scheme]) => scheme.test(entry.value))?.[1];
    if (engine) add(engine, { file: entry.file, line: entry.line, note: `${entry.key} is a ${engine} URL` });
  }
  if (sqlite) notes.push(`${pkg.folder}: uses SQLite (${sqlite}): the app writes a database file, so give it a persistent volume`);

  // Migrations: the project's own script, else the tool found.
  let migrations: DataFound['migrations'] = migrationScript(index, pkg);
  if (migrations?.value.tool === 'typeorm') migrations = { ...migrations, value: { ...migrations.value, command: compiledTypeorm(index, pkg.folder, migrations.value.command) } };
  if (!migrations && own?.migrations) {
    const schemaFlag = own.implicit ? '' : ` --schema ${relativePath(pkg.folder, own.file)}`;
    migrations = { value: { tool: 'prisma', command: `prisma migrate deploy${schemaFlag}` }, evidence: evidence(own.migrations, `Prisma migrations in ${own.migrations}`) };
  }
  if (!migrations) migrations = toolMigrations(context, pkg, sources, ormFiles);
  // A schema in a shared package (packages/db) is migrated by the back end that uses it.
  const shared = linkedSchemas.find((schema) => schema.migrations);
  if (!migrations && shared?.migrations && ownsSchema) {
    const schemaPath = relativePath(pkg.folder, shared.file);
    const flag = schemaPath.startsWith('..') ? path.posix.relative(pkg.folder, shared.file) : schemaPath;
    migrations = { value: { tool: 'prisma', command: `prisma migrate deploy --schema ${flag}` }, evidence: evidence(shared.migrations, `Prisma migrations of the shared schema ${shared.file}`) };
    notes.push(`${pkg.folder}: runs the migrations of ${shared.file}, a schema it shares with the other services of the workspace`);
  }
  return { uses, migrations, notes, settings };
};

/** Migrations found from the tool's configuration when no script runs them. */
const toolMigrations = (context: DetectContext, pkg: NodePackage, sources: readonly string[], ormFiles: readonly string[]): DataFound['migrations'] => {
  const index = context.index;
  const knexfile = ormFiles.find((file) => /(^|\/)knexfile\.[cm]?[jt]s$/.test(file));
  if (knexfile) return { value: { tool: 'knex', command: 'knex migrate:latest' }, evidence: evidence(knexfile, 'knexfile: Knex migrations') };
  const drizzle = ormFiles.find((file) => /(^|\/)drizzle\.config\.[cm]?[jt]s$/.test(file));
  if (drizzle) {
    const code = codeOf(index, drizzle) ?? '';
    const out = code.match(/\bout\s*:\s*(['"`])([^'"`$]+)\1/)?.[2] ?? 'drizzle';
    if (index.filesUnder(path.posix.normalize(inFolder(pkg.folder, out))).some((file) => file.endsWith('.sql'))) {
      return { value: { tool: 'drizzle', command: 'drizzle-kit migrate' }, evidence: evidence(drizzle, `drizzle-kit migrations in ${out}`) };
    }
  }
  const dataSource = sources.find((file) => /new\s+DataSource\s*\(/.test(codeOf(index, file) ?? '') && /\bmigrations\s*:/.test(codeOf(index, file) ?? ''));
  if (dataSource) {
    const compiled = compiledPath(index, pkg.folder, relativePath(pkg.folder, dataSource));
    const target = compiled?.file ?? relativePath(pkg.folder, dataSource);
    return { value: { tool: 'typeorm', command: `typeorm migration:run -d ${target}` }, evidence: evidence(dataSource, `TypeORM DataSource with migrations, compiled to ${target}`) };
  }
  const sequelize = index.has(inFolder(pkg.folder, '.sequelizerc')) || 'sequelize-cli' in pkg.ownDependencies;
  if (sequelize && index.filesUnder(inFolder(pkg.folder, 'migrations')).length > 0) {
    return { value: { tool: 'sequelize', command: 'sequelize-cli db:migrate' }, evidence: evidence(inFolder(pkg.folder, index.has(inFolder(pkg.folder, '.sequelizerc')) ? '.sequelizerc' : 'package.json'), 'sequelize-cli with a migrations folder') };
  }
  if ('node-pg-migrate' in pkg.ownDependencies && index.filesUnder(inFolder(pkg.folder, 'migrations')).length > 0) {
    return { value: { tool: 'node-pg-migrate', command: 'node-pg-migrate up' }, evidence: evidence(pkg.file, 'node-pg-migrate with a migrations folder') };
  }
  return undefined;
};
