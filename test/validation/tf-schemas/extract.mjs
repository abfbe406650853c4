/**
 * Turns the jsii type manifest (`package/.jsii`) of a CDKTF prebuilt provider package (@cdktf/provider-google,
 * @cdktf/provider-azurerm, -datadog, -newrelic) into the compact schema of compact-schema.ts. Those packages are the only offline
 * source of the providers' resource schemas here (no provider binary can be downloaded).
 *
 *   node test/validation/tf-schemas/extract.mjs PROVIDER JSII_FILE SOURCE OUT_FILE
 *   e.g. google /tmp/x/package/.jsii @cdktf/provider-google@16.12.1 ~/.local/share/phase4-validators/tf-schemas/google.json
 *
 * Plain JavaScript on purpose: scripts/setup-validators.sh runs before `npm ci` on a fresh machine
 * (scripts/test.sh), so neither tsx nor TypeScript exists yet. The JSON it writes has the types of
 * compact-schema.ts (BlockSchema, NestedBlockSchema, CompactProviderSchema).
 *
 * How the manifest encodes a provider (checked on google 6.50.0 and azurerm 4.55.0):
 * - each resource / data source is a class with base cdktf.TerraformResource / cdktf.TerraformDataSource whose
 *   docs.summary links `.../docs/resources/<name> <terraform type>`; its constructor's third parameter is the
 *   config struct (a `datatype` interface);
 * - a struct property is an argument, or a nested block when its type is a struct (`{fqn}`: at most one) or an
 *   array of structs (`{union: [IResolvable, {collection: array of {fqn}}]}`: repeatable); `optional` absent
 *   means required; `timeouts` is an ordinary single nested block;
 * - property names are camelCase and sometimes renamed (`build` -> buildAttribute, `geth_details` ->
 *   fetchhDetails, `detect_md5hash` -> detectMd5Hash): the Terraform name is only reliable in the registry link
 *   anchor in the docs (`...#database_version`), which is sometimes in docs.custom rather than summary/remarks;
 * - blocks are summarised "<name> block."; a list-of-objects *attribute* (azurerm's `ip_restriction`, SDK
 *   "attributes as blocks") is the same struct array without that summary;
 * - every provider-block argument is optional and every provider-block block an array, whatever the real
 *   provider says (providers may be configured from the environment): see providerBlockOverrides. newrelic
 *   3.76.3 is the exception: its manifest marks `account_id` and `api_key` required, which is what Terraform
 *   says too when NEW_RELIC_ACCOUNT_ID / NEW_RELIC_API_KEY are unset (SDKv2 makes a Required argument with an
 *   environment DefaultFunc optional only while the variable is set), so the generated provider block gives both.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The providers extracted (compact-schema.ts's schemaProviders). */
const schemaProviders = ['google', 'azurerm', 'datadog', 'newrelic'];

/**
 * What the real provider schema requires that the manifest cannot say (its provider config is all optional).
 * azurerm: `features {}` is required (Terraform: "The argument "features" is required").
 */
const providerBlockOverrides = {
  azurerm: (block) => {
    const features = block.blocks.features;
    if (!features) throw new Error('azurerm provider config has no `features` block: the manifest changed shape');
    features.required = true;
    features.repeats = false;
  },
};

/**
 * Fewer types than this means the manifest changed shape. newrelic is a small provider: 3.76.3 has 50 resources
 * and 16 data sources in all (the others have 119 to 1127 resources).
 */
const minimumTypes = {
  default: { resources: 100, dataSources: 20 },
  newrelic: { resources: 45, dataSources: 12 },
};

const docsText = (docs) =>
  [docs?.summary, docs?.remarks, ...Object.values(docs?.custom ?? {})].filter(Boolean).join('\n');

const registryAnchor = /\{@link https:\/\/registry\.terraform\.io\/providers\/[^\s}#]+#([A-Za-z0-9_]+)[ }]/g;

const snakeCase = (name) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

class ManifestReader {
  constructor(types) {
    this.types = types;
    /** Properties whose docs carried no registry link (their name is then guessed in snake_case). */
    this.unlinked = [];
  }

  struct(ref) {
    const type = ref?.fqn ? this.types[ref.fqn] : undefined;
    return type?.kind === 'interface' && type.datatype ? type : undefined;
  }

  /** The struct behind a nested block and whether the block repeats, or undefined for an argument. */
  nestedStruct(ref) {
    const single = this.struct(ref);
    if (single) return { struct: single, repeats: false };
    for (const candidate of [ref, ...(ref.union?.types ?? [])]) {
      const element = candidate.collection?.kind === 'array' ? this.struct(candidate.collection.elementtype) : undefined;
      if (element) return { struct: element, repeats: true };
    }
    return undefined;
  }

  terraformName(owner, property) {
    const anchors = [...docsText(property.docs).matchAll(registryAnchor)];
    const anchor = anchors.at(-1)?.[1];
    if (anchor) return anchor;
    this.unlinked.push(`${owner.fqn}.${property.name}`);
    return snakeCase(property.name);
  }

  block(struct, seen = []) {
    if (seen.includes(struct.fqn)) throw new Error(`recursive struct ${[...seen, struct.fqn].join(' -> ')}`);
    const schema = { arguments: {}, blocks: {} };
    for (const property of struct.properties ?? []) {
      const name = this.terraformName(struct, property);
      const required = !property.optional;
      const nested = this.nestedStruct(property.type);
      if (!nested) {
        schema.arguments[name] = required;
        continue;
      }
      const block = { ...this.block(nested.struct, [...seen, struct.fqn]), required, repeats: nested.repeats };
      if (property.docs?.summary?.trim() !== `${name} block.`) block.attributeSyntax = true;
      schema.blocks[name] = block;
    }
    return schema;
  }

  /** The config struct of a resource, data source or provider class (its constructor's third parameter). */
  configOf(type) {
    const config = this.struct(type.initializer?.parameters?.[2]?.type);
    if (!config) throw new Error(`${type.fqn}: no config struct as the constructor's third parameter`);
    return config;
  }
}

export const compactSchema = (provider, manifest, source) => {
  const reader = new ManifestReader(manifest.types);
  const classes = Object.values(manifest.types).filter((type) => type.kind === 'class');
  const providerClasses = classes.filter((type) => type.base === 'cdktf.TerraformProvider');
  if (providerClasses.length !== 1) throw new Error(`${source}: expected one provider class, found ${providerClasses.length}`);
  const providerClass = providerClasses[0];
  const version = docsText(providerClass.docs).match(/registry\.terraform\.io\/providers\/[^/]+\/([^/]+)\/([^/]+)\/docs/);
  if (!version || version[1] !== provider) throw new Error(`${source}: the provider class does not link to the ${provider} provider's docs`);

  const providerBlock = reader.block(reader.configOf(providerClass));
  providerBlockOverrides[provider]?.(providerBlock);

  const schema = { provider, providerVersion: version[2], source, providerBlock, resources: {}, dataSources: {} };
  const kinds = { 'cdktf.TerraformResource': schema.resources, 'cdktf.TerraformDataSource': schema.dataSources };
  for (const type of classes) {
    const target = kinds[type.base];
    if (!target) continue;
    const link = type.docs?.summary?.match(/\{@link https:\/\/registry\.terraform\.io\/\S+\/docs\/(?:resources|data-sources)\/\S+ ([a-z0-9_]+)\}/);
    if (!link || !link[1].startsWith(`${provider}_`)) throw new Error(`${type.fqn}: no Terraform type name in its docs: ${type.docs?.summary}`);
    if (target[link[1]]) throw new Error(`${type.fqn}: a second class for ${link[1]}`);
    target[link[1]] = reader.block(reader.configOf(type));
  }
  // A shape change in a future manifest would give an empty or tiny schema; every check would then pass or fail.
  const minimum = minimumTypes[provider] ?? minimumTypes.default;
  if (Object.keys(schema.resources).length < minimum.resources || Object.keys(schema.dataSources).length < minimum.dataSources) {
    throw new Error(`${source}: only ${Object.keys(schema.resources).length} resources and ${Object.keys(schema.dataSources).length} data sources found`);
  }
  return { schema, unlinked: reader.unlinked };
};

const main = (args) => {
  const [provider, jsiiFile, source, outFile] = args;
  if (!schemaProviders.includes(provider) || !jsiiFile || !source || !outFile) {
    throw new Error(`usage: extract.mjs ${schemaProviders.join('|')} JSII_FILE SOURCE OUT_FILE`);
  }
  const manifest = JSON.parse(readFileSync(jsiiFile, 'utf8'));
  if (manifest.schema === 'jsii/file-redirect') throw new Error(`${jsiiFile} is a redirect (compressed manifest): not supported`);
  const { schema, unlinked } = compactSchema(provider, manifest, source);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(`${outFile}.tmp`, JSON.stringify(schema));
  renameSync(`${outFile}.tmp`, outFile);
  const guessed = unlinked.length ? `; ${unlinked.length} names without a registry link, guessed: ${unlinked.join(', ')}` : '';
  process.stderr.write(
    `${source}: ${provider} ${schema.providerVersion}, ${Object.keys(schema.resources).length} resources, ` +
      `${Object.keys(schema.dataSources).length} data sources -> ${outFile}${guessed}\n`,
  );
};

// Run as a script (setup-validators.sh); importing it (a test) runs nothing.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
