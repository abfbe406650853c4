output "environment_id" {
  description = "Id of the Container Apps environment (Front Door's private link target)."
  value       = azurerm_container_app_environment.main.id
}

output "environment_name" {
  description = "Name of the Container Apps environment."
  value       = azurerm_container_app_environment.main.name
}

output "app_hosts" {
  description = "Host name of each service's ingress, by service (services without a port have none)."
  value       = { for service, app in azurerm_container_app.service : service => app.ingress[0].fqdn if length(app.ingress) > 0 }
}

output "app_names" {
  description = "Container App of each service, by service."
  value       = { for service, app in azurerm_container_app.service : service => app.name }
}

output "migration_jobs" {
  description = "Container App job of each migration, by service."
  value       = { for service, job in azurerm_container_app_job.migration : service => job.name }
}
