/**
 * The compact Terraform provider schema that extract.ts writes (one JSON file per provider under
 * `$PHASE4_VALIDATORS_HOME/tf-schemas/`) and validators/terraform-schema.ts reads. Only what the checks need:
 * names, whether each is required, and which names are nested blocks. No value types.
 */

/** The providers whose schemas we carry; their Terraform type names start with `<provider>_`. */
export const schemaProviders = ['google', 'azurerm', 'datadog', 'newrelic'] as const;
export type SchemaProvider = (typeof schemaProviders)[number];

/** A block body: a resource, a data source, the provider block or a nested block. */
export interface BlockSchema {
  /** Terraform argument name -> true when required. */
  arguments: Record<string, boolean>;
  /** Terraform nested block name -> its schema. */
  blocks: Record<string, NestedBlockSchema>;
}

export interface NestedBlockSchema extends BlockSchema {
  /** At least one such block must be given. */
  required: boolean;
  /** More than one may be given (a list or set block); false means at most one. */
  repeats: boolean;
  /**
   * An attribute of list-of-objects type rather than a block (Terraform accepts `x = [...]` for it, and block
   * syntax too when the provider declares it so): both spellings are accepted.
   */
  attributeSyntax?: true;
}

export interface CompactProviderSchema {
  provider: SchemaProvider;
  /** The Terraform provider version the schema describes, e.g. "6.50.0". */
  providerVersion: string;
  /** Where it was read from, e.g. "@cdktf/provider-google@16.12.1". */
  source: string;
  providerBlock: BlockSchema;
  /** Terraform type name (google_sql_database_instance) -> schema. */
  resources: Record<string, BlockSchema>;
  dataSources: Record<string, BlockSchema>;
}
