# The environment's Redis: Azure Cache for Redis on the TLS port only (TLS 1.2), no public network access (a
# private endpoint in the virtual network), Standard (a replica) outside production and Premium across zones in
# production, patched in the weekly window.

resource "azurerm_redis_cache" "main" {
  name                          = var.name
  location                      = var.location
  resource_group_name           = var.resource_group_name
  sku_name                      = var.production ? "Premium" : "Standard"
  family                        = var.production ? "P" : "C"
  capacity                      = 1
  redis_version                 = var.redis_version
  non_ssl_port_enabled          = false
  minimum_tls_version           = "1.2"
  public_network_access_enabled = false
  zones                         = var.production ? ["1", "2", "3"] : null
  tags                          = var.tags

  redis_configuration {
    authentication_enabled = true
    maxmemory_policy       = "volatile-lru"
  }

  patch_schedule {
    day_of_week    = var.maintenance_window.day_of_week
    start_hour_utc = var.maintenance_window.start_hour
  }
}

resource "azurerm_private_dns_zone" "redis" {
  name                = "privatelink.redis.cache.windows.net"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "redis" {
  name                  = "redis"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.redis.name
  virtual_network_id    = var.virtual_network_id
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "redis" {
  name                = "${var.name}-redis"
  location            = var.location
  resource_group_name = var.resource_group_name
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = "redis"
    private_connection_resource_id = azurerm_redis_cache.main.id
    subresource_names              = ["redisCache"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "redis"
    private_dns_zone_ids = [azurerm_private_dns_zone.redis.id]
  }
}

resource "azurerm_monitor_diagnostic_setting" "redis" {
  name                       = "log-analytics"
  target_resource_id         = azurerm_redis_cache.main.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}
