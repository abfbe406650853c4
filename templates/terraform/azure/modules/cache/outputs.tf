output "address" {
  description = "Host name of the cache (resolved privately in the virtual network)."
  value       = azurerm_redis_cache.main.hostname
}

output "port" {
  description = "TLS port of the cache."
  value       = azurerm_redis_cache.main.ssl_port
}

output "access_key" {
  description = "Primary access key: the password of the Redis connection."
  value       = azurerm_redis_cache.main.primary_access_key
  sensitive   = true
}
