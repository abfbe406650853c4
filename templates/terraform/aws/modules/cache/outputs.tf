output "address" {
  description = "Primary endpoint the application connects to (with TLS)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Port the application connects to."
  value       = aws_elasticache_replication_group.this.port
}

output "multi_az" {
  description = "Whether a replica in another zone takes over on failure."
  value       = aws_elasticache_replication_group.this.multi_az_enabled
}

output "auth_token" {
  description = "AUTH token clients send (rediss://:TOKEN@address:port)."
  value       = aws_secretsmanager_secret_version.auth_token.secret_string
  sensitive   = true
}
