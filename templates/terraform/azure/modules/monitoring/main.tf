# The environment's Log Analytics workspace: the diagnostic settings of the main resources, the AKS or
# Container Apps logs and Defender's findings all land here, kept for the environment's retention.

resource "azurerm_log_analytics_workspace" "main" {
  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  sku                 = "PerGB2018"
  retention_in_days   = var.retention_days
  # Readers need a role on the workspace or on the resource the logs are about; no shared keys.
  local_authentication_enabled    = false
  allow_resource_only_permissions = true
  tags                            = var.tags
}
