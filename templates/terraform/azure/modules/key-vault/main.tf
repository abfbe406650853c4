# The environment's Key Vault: RBAC authorization only, soft delete (and purge protection where asked), reached by
# the workloads through a private endpoint; from outside only the addresses that run Terraform get through the
# firewall. It holds one secret per service (a JSON object keyed by setting name, for the External Secrets
# Operator) or one per setting (for Container Apps, which reference whole secrets). Their first values are
# write-only: Terraform sends them on the first apply and when values_version is raised, and never stores them.

data "azurerm_client_config" "current" {}

resource "azurerm_key_vault" "main" {
  name                          = var.name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = var.purge_protection
  soft_delete_retention_days    = var.soft_delete_retention_days
  public_network_access_enabled = true
  tags                          = var.tags

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
    ip_rules       = var.admin_ip_ranges
  }
}

# Whoever applies this configuration writes the secrets' first values.
resource "azurerm_role_assignment" "terraform_writes_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "azurerm_key_vault_secret" "entry" {
  for_each         = var.secrets
  name             = each.value
  key_vault_id     = azurerm_key_vault.main.id
  content_type     = var.content_type
  value_wo         = var.secret_values[each.key]
  value_wo_version = var.values_version
  tags             = var.tags

  depends_on = [azurerm_role_assignment.terraform_writes_secrets]
}

resource "azurerm_private_dns_zone" "vault" {
  name                = "privatelink.vaultcore.azure.net"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "vault" {
  name                  = "vault"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.vault.name
  virtual_network_id    = var.virtual_network_id
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "vault" {
  name                = "${var.name}-vault"
  location            = var.location
  resource_group_name = var.resource_group_name
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = "vault"
    private_connection_resource_id = azurerm_key_vault.main.id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "vault"
    private_dns_zone_ids = [azurerm_private_dns_zone.vault.id]
  }
}

resource "azurerm_monitor_diagnostic_setting" "vault" {
  name                       = "log-analytics"
  target_resource_id         = azurerm_key_vault.main.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}
