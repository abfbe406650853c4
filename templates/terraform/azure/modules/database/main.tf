# The environment's PostgreSQL or MySQL flexible server, reachable only from the virtual network (a delegated
# subnet and a private DNS zone), TLS 1.2 or newer required. Automated backups are kept for the retention given
# (the point-in-time-recovery window); production adds geo-redundant backups, a zone-redundant standby and a
# management lock against deletion. Patches are applied in the weekly maintenance window.

locals {
  postgres   = var.engine == "postgres"
  server_id  = local.postgres ? azurerm_postgresql_flexible_server.main[0].id : azurerm_mysql_flexible_server.main[0].id
  zone_label = local.postgres ? "postgres" : "mysql"
}

resource "azurerm_private_dns_zone" "server" {
  name                = "${var.name}.private.${local.zone_label}.database.azure.com"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "server" {
  name                  = "database"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.server.name
  virtual_network_id    = var.virtual_network_id
  tags                  = var.tags
}

resource "azurerm_postgresql_flexible_server" "main" {
  count                             = local.postgres ? 1 : 0
  name                              = var.name
  location                          = var.location
  resource_group_name               = var.resource_group_name
  version                           = var.engine_version
  sku_name                          = var.sku_name
  storage_mb                        = var.storage_gb * 1024
  auto_grow_enabled                 = true
  delegated_subnet_id               = var.subnet_id
  private_dns_zone_id               = azurerm_private_dns_zone.server.id
  public_network_access_enabled     = false
  administrator_login               = var.username
  administrator_password_wo         = var.password
  administrator_password_wo_version = var.password_version
  backup_retention_days             = var.backup_retention_days
  geo_redundant_backup_enabled      = var.production
  zone                              = "1"
  tags                              = var.tags

  authentication {
    password_auth_enabled         = true
    active_directory_auth_enabled = var.entra_authentication
    tenant_id                     = var.entra_authentication ? var.tenant_id : null
  }

  dynamic "high_availability" {
    for_each = var.production ? [1] : []
    content {
      mode                      = "ZoneRedundant"
      standby_availability_zone = "2"
    }
  }

  maintenance_window {
    day_of_week  = var.maintenance_window.day_of_week
    start_hour   = var.maintenance_window.start_hour
    start_minute = 0
  }

  lifecycle {
    # Azure moves the primary to the standby's zone on a failover.
    ignore_changes = [zone, high_availability[0].standby_availability_zone]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.server]
}

resource "azurerm_postgresql_flexible_server_configuration" "tls" {
  for_each  = local.postgres ? { require_secure_transport = "on", ssl_min_protocol_version = "TLSv1.2" } : {}
  server_id = azurerm_postgresql_flexible_server.main[0].id
  name      = each.key
  value     = each.value
}

resource "azurerm_postgresql_flexible_server_database" "main" {
  count     = local.postgres ? 1 : 0
  name      = var.database_name
  server_id = azurerm_postgresql_flexible_server.main[0].id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

resource "azurerm_mysql_flexible_server" "main" {
  count                             = local.postgres ? 0 : 1
  name                              = var.name
  location                          = var.location
  resource_group_name               = var.resource_group_name
  version                           = var.engine_version
  sku_name                          = var.sku_name
  delegated_subnet_id               = var.subnet_id
  private_dns_zone_id               = azurerm_private_dns_zone.server.id
  public_network_access             = "Disabled"
  administrator_login               = var.username
  administrator_password_wo         = var.password
  administrator_password_wo_version = var.password_version
  backup_retention_days             = var.backup_retention_days
  geo_redundant_backup_enabled      = var.production
  zone                              = "1"
  tags                              = var.tags

  storage {
    size_gb           = var.storage_gb
    auto_grow_enabled = true
  }

  dynamic "high_availability" {
    for_each = var.production ? [1] : []
    content {
      mode                      = "ZoneRedundant"
      standby_availability_zone = "2"
    }
  }

  maintenance_window {
    day_of_week  = var.maintenance_window.day_of_week
    start_hour   = var.maintenance_window.start_hour
    start_minute = 0
  }

  lifecycle {
    ignore_changes = [zone, high_availability[0].standby_availability_zone]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.server]
}

resource "azurerm_mysql_flexible_server_configuration" "tls" {
  for_each            = local.postgres ? {} : { require_secure_transport = "ON", tls_version = "TLSv1.2,TLSv1.3" }
  name                = each.key
  resource_group_name = var.resource_group_name
  server_name         = azurerm_mysql_flexible_server.main[0].name
  value               = each.value
}

resource "azurerm_mysql_flexible_database" "main" {
  count               = local.postgres ? 0 : 1
  name                = var.database_name
  resource_group_name = var.resource_group_name
  server_name         = azurerm_mysql_flexible_server.main[0].name
  charset             = "utf8mb4"
  collation           = "utf8mb4_0900_ai_ci"
}

# Production's server cannot be deleted (by Terraform or anyone) until the lock is removed on purpose.
resource "azurerm_management_lock" "server" {
  count      = var.production ? 1 : 0
  name       = "do-not-delete"
  scope      = local.server_id
  lock_level = "CanNotDelete"
  notes      = "Production database: remove this lock deliberately before deleting the server."
}

# The pipeline takes an on-demand backup before each production deploy: its identity may do that and read the
# server, nothing more.
resource "azurerm_role_definition" "backup" {
  count       = var.production && var.deploy_principal_id != null ? 1 : 0
  name        = "${var.name}-on-demand-backup"
  scope       = local.server_id
  description = "Take and list on-demand backups of ${var.name}."

  permissions {
    actions = local.postgres ? [
      "Microsoft.DBforPostgreSQL/flexibleServers/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/backups/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/backups/write",
      ] : [
      "Microsoft.DBforMySQL/flexibleServers/read",
      "Microsoft.DBforMySQL/flexibleServers/backups/read",
      "Microsoft.DBforMySQL/flexibleServers/backups/write",
    ]
  }

  assignable_scopes = [local.server_id]
}

resource "azurerm_role_assignment" "deploy_backup" {
  count              = length(azurerm_role_definition.backup)
  scope              = local.server_id
  role_definition_id = azurerm_role_definition.backup[0].role_definition_resource_id
  principal_id       = var.deploy_principal_id
}

resource "azurerm_monitor_diagnostic_setting" "server" {
  name                       = "log-analytics"
  target_resource_id         = local.server_id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}
