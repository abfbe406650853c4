output "account_name" {
  description = "Name of the Cosmos DB account."
  value       = azurerm_cosmosdb_account.main.name
}

output "address" {
  description = "Host name of the MongoDB endpoint (resolved privately in the virtual network)."
  value       = "${azurerm_cosmosdb_account.main.name}.mongo.cosmos.azure.com"
}

output "port" {
  description = "Port of the MongoDB endpoint."
  value       = 10255
}

output "username" {
  description = "User name of the MongoDB connection: the account's name."
  value       = azurerm_cosmosdb_account.main.name
}

output "primary_key" {
  description = "Password of the MongoDB connection."
  value       = azurerm_cosmosdb_account.main.primary_key
  sensitive   = true
}

output "deletion_locked" {
  description = "Whether a management lock refuses the account's deletion."
  value       = length(azurerm_management_lock.account) > 0
}
