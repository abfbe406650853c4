/**
 * The offline provider-schema check for generated Google Cloud and Azure Terraform (validators/terraform-schema.ts):
 * a valid sample per provider passes, and each kind of planted mistake is reported, alone and with its place.
 * The schemas come from scripts/setup-validators.sh; their absence fails, never skips.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { tempDir, writeTree } from '../helpers/folders.js';
import { withExported } from '../helpers/tools.js';
import {
  parseTerraformDir,
  providerSchema,
  providerSchemaFindings,
  schemaProviderVersion,
} from './validators/terraform-schema.js';

const googleMain = `terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "6.50.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

resource "google_compute_network" "main" {
  name                    = "shop-vpc"
  auto_create_subnetworks = false
}

resource "google_sql_database_instance" "main" {
  name                = "shop-db"
  database_version    = "POSTGRES_16"
  region              = var.region
  deletion_protection = true

  settings {
    tier              = "db-custom-1-3840"
    availability_type = "REGIONAL"

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      backup_retention_settings {
        retained_backups = 7
      }
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.main.id
      dynamic "authorized_networks" {
        for_each = var.authorized_networks
        content {
          name  = authorized_networks.key
          value = authorized_networks.value
        }
      }
    }
  }

  timeouts {
    create = "45m"
  }

  lifecycle {
    prevent_destroy = true
  }
}

# A required block given through dynamic is present.
resource "google_secret_manager_secret" "db_password" {
  for_each  = toset(["app", "migrations"])
  secret_id = "shop-db-\${each.key}"
  dynamic "replication" {
    for_each = [1]
    content {
      auto {}
    }
  }
}

# Another provider's resource: not checked.
resource "random_password" "db" {
  length      = 32
  not_in_google = true
}

data "google_client_config" "current" {}
`;

const googleVariables = `variable "project_id" {
  type = string
}

variable "region" {
  type = string
}

variable "authorized_networks" {
  type    = map(string)
  default = {}
}
`;

const azureMain = `provider "azurerm" {
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
  subscription_id = var.subscription_id
  use_oidc        = true
}

resource "azurerm_resource_group" "main" {
  name     = "rg-shop"
  location = "westeurope"
}

resource "azurerm_postgresql_flexible_server" "main" {
  count                         = var.enabled ? 1 : 0
  name                          = "psql-shop"
  resource_group_name           = azurerm_resource_group.main.name
  location                      = azurerm_resource_group.main.location
  version                       = "16"
  sku_name                      = "GP_Standard_D2s_v3"
  storage_mb                    = 32768
  backup_retention_days         = 14
  geo_redundant_backup_enabled  = true
  public_network_access_enabled = false

  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = false
  }

  high_availability {
    mode = "ZoneRedundant"
  }

  lifecycle {
    ignore_changes = [zone]
  }
}

data "azurerm_client_config" "current" {}
`;

const googleSample = (main = googleMain) => writeTree(tempDir('phase4-tf-google-'), { 'main.tf': main, 'modules/vars/variables.tf': googleVariables });
const azureSample = (main = azureMain) => writeTree(tempDir('phase4-tf-azure-'), { 'main.tf': main });

/** The sample with `from` replaced by `to`, failing loudly when the sample no longer contains `from`. */
const planted = (sample: string, from: string, to: string): string => {
  assert.ok(sample.includes(from), `the sample no longer contains ${JSON.stringify(from)}`);
  return sample.replace(from, to);
};

describe('Terraform provider schemas', () => {
  test('each carries the provider version of the pinned CDKTF package', () => {
    assert.equal(schemaProviderVersion('google'), '6.50.0');
    assert.equal(schemaProviderVersion('azurerm'), '4.55.0');
    assert.equal(providerSchema('google').source, '@cdktf/provider-google@16.12.1');
    assert.equal(providerSchema('azurerm').source, '@cdktf/provider-azurerm@14.23.1');
  });

  test('renamed properties keep their Terraform names; timeouts is a block; azurerm features is required', () => {
    const google = providerSchema('google');
    assert.equal(google.resources.google_storage_bucket_object.arguments.detect_md5hash, false);
    assert.equal(google.resources.google_cloudbuild_trigger.blocks.build.repeats, false);
    assert.equal(google.resources.google_sql_database_instance.arguments.database_version, true);
    assert.deepEqual(Object.keys(google.resources.google_compute_network.blocks.timeouts.arguments).sort(), ['create', 'delete', 'update']);
    assert.ok(google.dataSources.google_client_config);
    assert.equal(providerSchema('azurerm').providerBlock.blocks.features.required, true);
  });

  test('a missing schema fails with the set-up script to run', () => {
    const emptyHome = tempDir('phase4-no-validators-');
    withExported('PHASE4_VALIDATORS_HOME', emptyHome, () => {
      assert.throws(() => providerSchema('google'), /google Terraform provider schema is missing .*scripts\/setup-validators\.sh/);
    });
  });
});

describe('parseTerraformDir', () => {
  test('parses every .tf file below the folder, skips .terraform, and shows blocks, labels and dynamic blocks', async () => {
    const dir = googleSample();
    writeTree(dir, { '.terraform/modules/x/broken.tf': 'resource "x" {', 'README.md': 'not terraform' });
    const parsed = await parseTerraformDir(dir);
    assert.deepEqual(parsed.map(({ file }) => file), ['main.tf', 'modules/vars/variables.tf']);
    const instance = parsed[0].body.resource.google_sql_database_instance.main[0];
    assert.equal(instance.settings[0].tier, 'db-custom-1-3840');
    assert.equal(instance.settings[0].ip_configuration[0].private_network, '${google_compute_network.main.id}');
    assert.deepEqual(instance.settings[0].ip_configuration[0].dynamic.authorized_networks[0].content[0], {
      name: '${authorized_networks.key}',
      value: '${authorized_networks.value}',
    });
  });

  test('a file that does not parse throws with its name', async () => {
    const dir = writeTree(tempDir('phase4-tf-broken-'), { 'main.tf': 'resource "google_compute_network" "x" {\n' });
    await assert.rejects(parseTerraformDir(dir), /main\.tf: HCL does not parse/);
  });
});

describe('providerSchemaFindings: google', () => {
  test('the valid sample passes', async () => {
    assert.deepEqual(await providerSchemaFindings(googleSample(), 'google'), []);
  });

  const cases: { name: string; from: string; to: string; finding: RegExp }[] = [
    {
      name: 'an unknown resource type',
      from: 'resource "google_compute_network" "main"',
      to: 'resource "google_compute_netwrk" "main"',
      finding: /^main\.tf: google_compute_netwrk\.main: unknown resource type "google_compute_netwrk" in google 6\.50\.0$/,
    },
    {
      name: 'an unknown data source type',
      from: 'data "google_client_config" "current"',
      to: 'data "google_client_configuration" "current"',
      finding: /^main\.tf: data\.google_client_configuration\.current: unknown data source type/,
    },
    {
      name: 'an unknown argument',
      from: '  deletion_protection = true\n',
      to: '  deletion_protection = true\n  deletion_protect = true\n',
      finding: /^main\.tf: google_sql_database_instance\.main: unknown argument or block "deletion_protect"$/,
    },
    {
      name: 'an unknown nested block',
      from: '    backup_configuration {',
      to: '    backup_config {\n      enabled = true\n    }\n    backup_configuration {',
      finding: /^main\.tf: google_sql_database_instance\.main settings: unknown argument or block "backup_config"$/,
    },
    {
      name: 'an unknown argument two blocks deep',
      from: '        retained_backups = 7',
      to: '        retained_backups = 7\n        retained_days = 7',
      finding: /^main\.tf: google_sql_database_instance\.main settings\.backup_configuration\.backup_retention_settings: unknown argument or block "retained_days"$/,
    },
    {
      name: "an unknown argument in a dynamic block's content",
      from: '          value = authorized_networks.value\n',
      to: '          value = authorized_networks.value\n          valu  = authorized_networks.value\n',
      finding: /settings\.ip_configuration\.authorized_networks: unknown argument or block "valu"$/,
    },
    {
      name: 'a dynamic block for an unknown block',
      from: 'dynamic "authorized_networks"',
      to: 'dynamic "authorised_networks"',
      finding: /settings\.ip_configuration: unknown nested block "authorised_networks" \(in a dynamic block\)$/,
    },
    {
      name: 'a missing required argument in a nested block',
      from: '    tier              = "db-custom-1-3840"\n',
      to: '',
      finding: /^main\.tf: google_sql_database_instance\.main settings: missing required argument "tier"$/,
    },
    {
      name: 'a missing required argument of a resource with for_each',
      from: '  secret_id = "shop-db-${each.key}"\n',
      to: '',
      finding: /^main\.tf: google_secret_manager_secret\.db_password: missing required argument "secret_id"$/,
    },
    {
      name: 'a missing required block',
      from: '  dynamic "replication" {\n    for_each = [1]\n    content {\n      auto {}\n    }\n  }\n',
      to: '',
      finding: /^main\.tf: google_secret_manager_secret\.db_password: missing required block "replication"$/,
    },
    {
      name: 'a block that may appear once given twice',
      from: '  timeouts {\n',
      to: '  timeouts {\n    delete = "45m"\n  }\n  timeouts {\n',
      finding: /^main\.tf: google_sql_database_instance\.main: block "timeouts" may appear only once, found 2$/,
    },
    {
      name: 'a block written as an argument',
      from: '  timeouts {\n    create = "45m"\n  }\n',
      to: '  timeouts = { create = "45m" }\n',
      finding: /^main\.tf: google_sql_database_instance\.main: "timeouts" is a nested block/,
    },
    {
      name: 'an unknown provider argument',
      from: '  project = var.project_id\n',
      to: '  projct = var.project_id\n',
      finding: /^main\.tf: provider "google": unknown argument or block "projct"$/,
    },
  ];
  for (const { name, from, to, finding } of cases) {
    test(`reports ${name}`, async () => {
      const findings = await providerSchemaFindings(googleSample(planted(googleMain, from, to)), 'google');
      assert.equal(findings.length, 1, findings.join('\n'));
      assert.match(findings[0], finding);
    });
  }

  test('a file in a subfolder is checked and named by its path', async () => {
    const dir = googleSample();
    writeTree(dir, { 'modules/network/main.tf': 'resource "google_compute_subnetwork" "app" {\n  name          = "app"\n  ip_cidr_range = "10.0.0.0/24"\n}\n' });
    assert.deepEqual(await providerSchemaFindings(dir, 'google'), [
      'modules/network/main.tf: google_compute_subnetwork.app: missing required argument "network"',
    ]);
  });

  test('a file that does not parse is a finding', async () => {
    const dir = googleSample();
    writeTree(dir, { 'broken.tf': 'resource "google_compute_network" "x" {\n' });
    const findings = await providerSchemaFindings(dir, 'google');
    assert.equal(findings.length, 1, findings.join('\n'));
    assert.match(findings[0], /^broken\.tf: HCL does not parse/);
  });
});

describe('providerSchemaFindings: azurerm', () => {
  test('the valid sample passes', async () => {
    assert.deepEqual(await providerSchemaFindings(azureSample(), 'azurerm'), []);
  });

  test('only the given provider is checked: the google sample has no azurerm problem', async () => {
    assert.deepEqual(await providerSchemaFindings(googleSample(), 'azurerm'), []);
  });

  // azurerm declares some lists of objects as attributes that also accept block syntax (SDK "attributes as
  // blocks"): subnet, security_rule, access_policy, network_rule_set... Both spellings pass; keys are still checked.
  test('an attribute-as-block list passes in both spellings and its keys are checked', async () => {
    const rule = 'name = "https"\n    priority = 100\n    direction = "Inbound"\n    access = "Allow"\n    protocol = "Tcp"';
    const nsg = (rules: string) =>
      `resource "azurerm_network_security_group" "app" {\n  name = "nsg-app"\n  location = "westeurope"\n  resource_group_name = "rg"\n${rules}\n}\n`;
    const asBlocks = nsg(`  security_rule {\n    ${rule}\n  }`);
    const asList = nsg(`  security_rule = [{\n    ${rule}\n  }]`);
    const none = nsg('  security_rule = []');
    for (const main of [asBlocks, asList, none]) assert.deepEqual(await providerSchemaFindings(azureSample(`${azureMain}\n${main}`), 'azurerm'), []);
    const typo = await providerSchemaFindings(azureSample(`${azureMain}\n${planted(asBlocks, 'priority', 'prority')}`), 'azurerm');
    assert.deepEqual(typo, ['main.tf: azurerm_network_security_group.app security_rule: unknown argument or block "prority"']);
  });

  const cases: { name: string; from: string; to: string; finding: RegExp }[] = [
    {
      name: 'a missing required argument of a resource with count',
      from: '  location                      = azurerm_resource_group.main.location\n',
      to: '',
      finding: /^main\.tf: azurerm_postgresql_flexible_server\.main: missing required argument "location"$/,
    },
    {
      name: 'an unknown nested block',
      from: '  high_availability {',
      to: '  high_availibility {',
      finding: /^main\.tf: azurerm_postgresql_flexible_server\.main: unknown argument or block "high_availibility"$/,
    },
    {
      name: 'a missing features block in the provider',
      from: '  features {\n    key_vault {\n      purge_soft_delete_on_destroy = false\n    }\n  }\n',
      to: '',
      finding: /^main\.tf: provider "azurerm": missing required block "features"$/,
    },
    {
      name: 'an unknown block inside the provider features',
      from: '    key_vault {',
      to: '    keyvault {',
      finding: /^main\.tf: provider "azurerm" features: unknown argument or block "keyvault"$/,
    },
    {
      name: 'an unknown provider argument',
      from: '  use_oidc        = true\n',
      to: '  use_oidc        = true\n  oidc = true\n',
      finding: /^main\.tf: provider "azurerm": unknown argument or block "oidc"$/,
    },
  ];
  for (const { name, from, to, finding } of cases) {
    test(`reports ${name}`, async () => {
      const findings = await providerSchemaFindings(azureSample(planted(azureMain, from, to)), 'azurerm');
      assert.equal(findings.length, 1, findings.join('\n'));
      assert.match(findings[0], finding);
    });
  }
});

describe('speed', () => {
  // The first call loads the wasm parser (~0.7-1 s) and the schema; the wasm heap then grows for a few calls.
  test('a folder of a dozen files is checked well under a second once the parser and schema are loaded', async (t) => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 12; index += 1) files[`part-${index}.tf`] = googleMain.replaceAll('"main"', `"main_${index}"`);
    const dir = writeTree(tempDir('phase4-tf-speed-'), files);
    await providerSchemaFindings(dir, 'google');
    const start = performance.now();
    assert.deepEqual(await providerSchemaFindings(dir, 'google'), []);
    const elapsed = performance.now() - start;
    t.diagnostic(`12 files (${Math.round(elapsed)} ms, ${Math.round(elapsed / 12)} ms a file)`);
    assert.ok(elapsed < 1000, `checking 12 files took ${Math.round(elapsed)} ms`);
  });
});
