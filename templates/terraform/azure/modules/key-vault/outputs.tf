output "id" {
  description = "Id of the Key Vault, the scope of the readers' role assignments."
  value       = azurerm_key_vault.main.id
}

output "name" {
  description = "Name of the Key Vault."
  value       = azurerm_key_vault.main.name
}

output "uri" {
  description = "URI of the Key Vault: the vaultUrl of the External Secrets Operator's ClusterSecretStore."
  value       = azurerm_key_vault.main.vault_uri
}

output "secret_ids" {
  description = "Versionless id of each secret, by the caller's key (Container Apps reference these)."
  value       = { for key, secret in azurerm_key_vault_secret.entry : key => secret.versionless_id }
}

output "secret_names" {
  description = "Name of each secret, by the caller's key."
  value       = { for key, secret in azurerm_key_vault_secret.entry : key => secret.name }
}
