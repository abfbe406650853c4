/**
 * Generated Google Cloud and Azure Terraform checked against the providers' real resource schemas, offline.
 *
 * No google or azurerm provider binary can be downloaded here, so `terraform validate` cannot know their
 * resources. scripts/setup-validators.sh extracts their schemas from the CDKTF prebuilt provider packages
 * (test/validation/tf-schemas/extract.ts) into `$PHASE4_VALIDATORS_HOME/tf-schemas/<provider>.json`; this
 * module parses the .tf files with @cdktf/hcl2json (HashiCorp's HCL parser compiled to wasm) and compares.
 *
 * What the check proves: every google_/azurerm_ resource and data source type exists in the pinned provider
 * version; every argument and nested block (at any depth, `dynamic` blocks included) exists where it is used;
 * required arguments and required blocks are present; a block that the schema allows once is not given twice;
 * the `provider "google"` / `provider "azurerm"` block uses only known arguments and blocks (azurerm's
 * `features {}` is required).
 *
 * What it does NOT prove: value types, enum values, formats and ranges; conflicting or mutually required
 * arguments (ConflictsWith, ExactlyOneOf, RequiredWith); arguments the provider deprecated; references
 * (`google_x.y.attr`: terraform validate does that); anything about resources of other providers (random_,
 * tls_, kubernetes_, helm_..., which are ignored here), modules, `ephemeral`/`import`/`moved`/`check` blocks, or
 * `locals`/`variable`/`output` blocks. A block written as an argument list (`x = [{...}]`) cannot be told from
 * `x { ... }` in hcl2json's output, so that mistake passes. A required argument whose value is an expression is
 * present, whatever it evaluates to. Inside azurerm's lists of objects that accept both spellings (subnet,
 * security_rule, access_policy, ...: attributeSyntax in the schema) the manifest marks every key optional, so a
 * missing required key there is not caught. The provider block's blocks are all "repeatable" in the manifest,
 * so a second `batching {}` is not caught either.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { validatorsHome } from '../../helpers/tools.js';
import type { BlockSchema, CompactProviderSchema, SchemaProvider } from '../tf-schemas/compact-schema.js';

/**
 * One parsed .tf file. hcl2json's JSON shape (Terraform's JSON syntax, with every block as an array):
 * - a block without labels is `name: [ {body}, ... ]` (one element per occurrence): `terraform: [{...}]`,
 *   `settings: [{ tier: "db-f1-micro" }]`;
 * - each label adds one object level keyed by the label: `resource: { google_compute_network: { main: [{body}] } }`,
 *   `provider: { google: [{body}] }`, `variable: { region: [{...}] }`;
 * - `dynamic "x" { for_each = ..., content { ... } }` is `dynamic: { x: [{ for_each: "${...}", content: [{...}] }] }`;
 * - an argument is its literal JSON value when it is one (string, number, bool, list, object, null), otherwise
 *   the expression as a string wrapped in `${...}`: `network = "${google_compute_network.main.id}"`.
 * Paths are relative to the folder given to parseTerraformDir.
 */
export interface ParsedTerraformFile { file: string; body: any }

/** Every .tf file under `dir` (recursively, `.terraform` skipped), in path order; a syntax error throws. */
export const parseTerraformDir = async (dir: string): Promise<ParsedTerraformFile[]> =>
  (await parseAll(dir)).map((result) => {
    if ('error' in result) throw new Error(result.error);
    return result;
  });

/**
 * All files parsed at once: the wasm parser's Go runtime yields to the event loop between calls, and one call
 * at a time measured about twice as slow as overlapping calls (12 files of 1.6 kB: 122 vs 60 ms, warm).
 */
const parseAll = (dir: string) => Promise.all(terraformFiles(dir).map((file) => parseTerraformFile(dir, file)));

const terraformFiles = (dir: string, relative = ''): string[] =>
  readdirSync(path.join(dir, relative), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) return entry.name === '.terraform' ? [] : terraformFiles(dir, child);
      return entry.isFile() && entry.name.endsWith('.tf') ? [child] : [];
    });

const parseTerraformFile = async (dir: string, file: string): Promise<ParsedTerraformFile | { error: string }> => {
  try {
    return { file, body: await parse(file, readFileSync(path.join(dir, file), 'utf8')) };
  } catch (error) {
    return { error: `${file}: HCL does not parse: ${(error as Error).message}` };
  }
};

/** `$PHASE4_VALIDATORS_HOME/tf-schemas/<provider>.json`, written by scripts/setup-validators.sh. */
export const providerSchemaFile = (provider: SchemaProvider) => path.join(validatorsHome(), 'tf-schemas', `${provider}.json`);

/** Keyed by file, so a test that points PHASE4_VALIDATORS_HOME elsewhere reads that folder. */
const loadedSchemas = new Map<string, CompactProviderSchema>();

/** The compact schema, read once per process (~0.9 MB each). Missing is an error, never a skip. */
export const providerSchema = (provider: SchemaProvider): CompactProviderSchema => {
  const file = providerSchemaFile(provider);
  let schema = loadedSchemas.get(file);
  if (!schema) {
    if (!existsSync(file)) {
      throw new Error(`the ${provider} Terraform provider schema is missing (${file}): run scripts/setup-validators.sh (npm test runs it)`);
    }
    schema = JSON.parse(readFileSync(file, 'utf8')) as CompactProviderSchema;
    if (schema.provider !== provider || !schema.resources) throw new Error(`${file} is not a ${provider} provider schema: rerun scripts/setup-validators.sh`);
    loadedSchemas.set(file, schema);
  }
  return schema;
};

/** The provider version the schema describes (e.g. "6.50.0"), to compare with the version the generator pins. */
export const schemaProviderVersion = (provider: SchemaProvider): string => providerSchema(provider).providerVersion;

/** Meta-arguments Terraform itself handles, per top-level block kind (blocks among them: lifecycle, provisioner, connection). */
const resourceMetaArguments = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const dataMetaArguments = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);
const providerMetaArguments = new Set(['alias', 'version']);
const dynamicBlockArguments = new Set(['for_each', 'iterator', 'labels', 'content']);
const noMetaArguments = new Set<string>();

const isBlockList = (value: unknown): value is Record<string, unknown>[] =>
  Array.isArray(value) && value.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item));

const labelled = (value: unknown): [string, Record<string, unknown>[]][] =>
  value && typeof value === 'object' ? Object.entries(value as Record<string, Record<string, unknown>[]>) : [];

class BlockChecker {
  readonly findings: string[] = [];

  constructor(private readonly where: string) {}

  private report(blockPath: string, problem: string) {
    this.findings.push(`${this.where}${blockPath ? ` ${blockPath}` : ''}: ${problem}`);
  }

  /** Checks one block body against its schema; `blockPath` names the nested block for messages. */
  check(schema: BlockSchema, body: Record<string, unknown>, blockPath: string, meta: Set<string>) {
    const given = new Set<string>();
    for (const [name, value] of Object.entries(body)) {
      if (meta.has(name)) continue;
      if (name === 'dynamic' && !(name in schema.arguments)) {
        for (const [label, dynamics] of labelled(value)) {
          given.add(label);
          this.checkDynamic(schema, label, dynamics, blockPath);
        }
        continue;
      }
      const nestedPath = blockPath ? `${blockPath}.${name}` : name;
      if (name in schema.arguments) {
        // Terraform treats `x = null` as not set.
        if (value !== null) given.add(name);
        continue;
      }
      const block = schema.blocks[name];
      if (!block) {
        this.report(blockPath, `unknown argument or block "${name}"`);
        continue;
      }
      given.add(name);
      if (!isBlockList(value)) {
        if (!block.attributeSyntax) this.report(blockPath, `"${name}" is a nested block: write ${name} { ... }, not ${name} = ...`);
        continue;
      }
      if (!block.repeats && value.length > 1) this.report(blockPath, `block "${name}" may appear only once, found ${value.length}`);
      for (const item of value) this.check(block, item, nestedPath, noMetaArguments);
    }
    for (const [name, required] of Object.entries(schema.arguments)) {
      if (required && !given.has(name)) this.report(blockPath, `missing required argument "${name}"`);
    }
    for (const [name, block] of Object.entries(schema.blocks)) {
      if (block.required && !given.has(name)) this.report(blockPath, `missing required block "${name}"`);
    }
  }

  /** `dynamic "x" { for_each, iterator, labels, content { ... } }` stands for blocks `x` with that content. */
  private checkDynamic(schema: BlockSchema, label: string, dynamics: Record<string, unknown>[], blockPath: string) {
    const dynamicPath = `${blockPath ? `${blockPath}.` : ''}dynamic "${label}"`;
    const block = schema.blocks[label];
    if (!block) {
      this.report(blockPath, `unknown nested block "${label}" (in a dynamic block)`);
      return;
    }
    for (const dynamic of dynamics) {
      for (const name of Object.keys(dynamic)) {
        if (!dynamicBlockArguments.has(name)) this.report(dynamicPath, `unknown argument "${name}" in a dynamic block`);
      }
      const contents = dynamic.content;
      if (!isBlockList(contents) || contents.length !== 1) {
        this.report(dynamicPath, 'a dynamic block needs exactly one content { ... } block');
        continue;
      }
      this.check(block, contents[0], `${blockPath ? `${blockPath}.` : ''}${label}`, noMetaArguments);
    }
  }
}

/**
 * Problems in the .tf files under `dir` (recursively) against `provider`'s real schema, one message each:
 * `<file>: <address> <nested path>: <problem>`. Only blocks of that provider are checked: resources and data
 * sources whose type starts with `google_` / `azurerm_` (google-beta's share the `google_` prefix: a type
 * only google-beta has is reported as unknown) and `provider "google"` / `provider "azurerm"`. Resources of
 * other providers (random_, tls_, kubernetes_, ...) and modules are ignored. A file that does not parse is a
 * finding. See the module comment for what this does not prove.
 */
export const providerSchemaFindings = async (dir: string, provider: SchemaProvider): Promise<string[]> => {
  const schema = providerSchema(provider);
  const prefix = `${provider}_`;
  const findings: string[] = [];
  for (const parsed of await parseAll(dir)) {
    if ('error' in parsed) {
      findings.push(parsed.error);
      continue;
    }
    const { file } = parsed;
    const check = (where: string, block: BlockSchema, body: Record<string, unknown>, meta: Set<string>) => {
      const checker = new BlockChecker(`${file}: ${where}`);
      checker.check(block, body, '', meta);
      findings.push(...checker.findings);
    };
    const kinds = [
      { key: 'resource', kind: 'resource', address: '', types: schema.resources, meta: resourceMetaArguments },
      { key: 'data', kind: 'data source', address: 'data.', types: schema.dataSources, meta: dataMetaArguments },
    ] as const;
    for (const { key, kind, address, types, meta } of kinds) {
      for (const [type, byName] of labelled(parsed.body[key])) {
        if (!type.startsWith(prefix)) continue;
        for (const [name, bodies] of labelled(byName)) {
          const block = types[type];
          if (!block) {
            findings.push(`${file}: ${address}${type}.${name}: unknown ${kind} type "${type}" in ${provider} ${schema.providerVersion}`);
            continue;
          }
          for (const body of bodies) check(`${address}${type}.${name}`, block, body, meta);
        }
      }
    }
    for (const [name, bodies] of labelled(parsed.body.provider)) {
      if (name !== provider) continue;
      for (const body of bodies) check(`provider "${provider}"`, schema.providerBlock, body, providerMetaArguments);
    }
  }
  return findings;
};
