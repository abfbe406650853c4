# The environment's MongoDB: an Azure Cosmos DB for MongoDB account with continuous backup (point-in-time
# restore over the last 7 or 30 days), no public network access (a private endpoint in the virtual network),
# TLS 1.2 or newer, zone redundancy and a management lock against deletion in production.

resource "azurerm_cosmosdb_account" "main" {
  name                              = var.name
  location                          = var.location
  resource_group_name               = var.resource_group_name
  offer_type                        = "Standard"
  kind                              = "MongoDB"
  mongo_server_version              = var.server_version
  public_network_access_enabled     = false
  minimal_tls_version               = "Tls12"
  access_key_metadata_writes_enabled = false
  automatic_failover_enabled        = true
  tags                              = var.tags

  capabilities {
    name = "EnableMongo"
  }

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = var.location
    failover_priority = 0
    zone_redundant    = var.production
  }

  backup {
    type = "Continuous"
    tier = var.production ? "Continuous30Days" : "Continuous7Days"
  }
}

resource "azurerm_cosmosdb_mongo_database" "main" {
  name                = var.database_name
  resource_group_name = var.resource_group_name
  account_name        = azurerm_cosmosdb_account.main.name

  autoscale_settings {
    max_throughput = var.max_throughput
  }
}

resource "azurerm_private_dns_zone" "mongo" {
  name                = "privatelink.mongo.cosmos.azure.com"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "mongo" {
  name                  = "mongo"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.mongo.name
  virtual_network_id    = var.virtual_network_id
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "mongo" {
  name                = "${var.name}-mongo"
  location            = var.location
  resource_group_name = var.resource_group_name
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = "mongo"
    private_connection_resource_id = azurerm_cosmosdb_account.main.id
    subresource_names              = ["MongoDB"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "mongo"
    private_dns_zone_ids = [azurerm_private_dns_zone.mongo.id]
  }
}

resource "azurerm_management_lock" "account" {
  count      = var.production ? 1 : 0
  name       = "do-not-delete"
  scope      = azurerm_cosmosdb_account.main.id
  lock_level = "CanNotDelete"
  notes      = "Production database: remove this lock deliberately before deleting the account."
}

resource "azurerm_monitor_diagnostic_setting" "account" {
  name                       = "log-analytics"
  target_resource_id         = azurerm_cosmosdb_account.main.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "Requests"
  }
}
