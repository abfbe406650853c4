output "ids" {
  description = "Id of each secret, by service (JSON layout) or by service/SETTING (one secret per setting)."
  value       = { for name, secret in google_secret_manager_secret.setting : name => secret.id }
}

output "names" {
  description = "Name of each secret, keyed as ids."
  value       = { for name, secret in google_secret_manager_secret.setting : name => secret.secret_id }
}
