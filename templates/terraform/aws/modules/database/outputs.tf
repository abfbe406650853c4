output "address" {
  description = "Host the application connects to: the proxy's endpoint, or the instance's without a proxy."
  value       = var.proxy ? aws_db_proxy.this[0].endpoint : aws_db_instance.this.address
}

output "port" {
  description = "Port the application connects to."
  value       = aws_db_instance.this.port
}

output "instance_identifier" {
  description = "Identifier of the primary instance (pre-deploy snapshots are taken of it)."
  value       = aws_db_instance.this.identifier
}

output "multi_az" {
  description = "Whether the instance has a standby in another zone."
  value       = aws_db_instance.this.multi_az
}

output "deletion_protection" {
  description = "Whether the instance refuses deletion."
  value       = aws_db_instance.this.deletion_protection
}

output "backup_retention_days" {
  description = "Days of automated backups."
  value       = aws_db_instance.this.backup_retention_period
}
