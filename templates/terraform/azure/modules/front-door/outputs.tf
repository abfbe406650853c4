output "endpoint_host" {
  description = "Front Door's own host name, which the custom domains point at."
  value       = azurerm_cdn_frontdoor_endpoint.main.host_name
}

output "assets_storage_account" {
  description = "Storage account of the static assets (container assets)."
  value       = azurerm_storage_account.assets.name
}

output "assets_url" {
  description = "Public URL of the static assets."
  value       = "https://${var.assets_host}"
}

output "storage_account_id" {
  description = "Id of the assets storage account, whose private endpoint connection from Front Door needs approval."
  value       = azurerm_storage_account.assets.id
}

output "profile_guid" {
  description = "The profile's own id, which Front Door sends to every origin in the X-Azure-FDID header."
  value       = azurerm_cdn_frontdoor_profile.main.resource_guid
}
