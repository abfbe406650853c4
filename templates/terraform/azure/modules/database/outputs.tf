output "server_name" {
  description = "Name of the flexible server."
  value       = var.name
  depends_on  = [azurerm_postgresql_flexible_server.main, azurerm_mysql_flexible_server.main]
}

output "address" {
  description = "Host name the workloads connect to (resolved privately in the virtual network)."
  value       = local.postgres ? azurerm_postgresql_flexible_server.main[0].fqdn : azurerm_mysql_flexible_server.main[0].fqdn
}

output "port" {
  description = "Port of the server."
  value       = local.postgres ? 5432 : 3306
}

output "high_availability" {
  description = "Whether the server has a zone-redundant standby."
  value       = var.production
}

output "geo_redundant_backup" {
  description = "Whether backups are also kept in the paired region."
  value       = local.postgres ? azurerm_postgresql_flexible_server.main[0].geo_redundant_backup_enabled : azurerm_mysql_flexible_server.main[0].geo_redundant_backup_enabled
}

output "deletion_locked" {
  description = "Whether a management lock refuses the server's deletion."
  value       = length(azurerm_management_lock.server) > 0
}
