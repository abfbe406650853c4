output "address" {
  description = "Cluster endpoint the application connects to (with TLS)."
  value       = aws_docdb_cluster.this.endpoint
}

output "port" {
  description = "Port the application connects to."
  value       = aws_docdb_cluster.this.port
}

output "instance_identifier" {
  description = "Identifier of the cluster (pre-deploy snapshots are taken of it)."
  value       = aws_docdb_cluster.this.cluster_identifier
}

output "multi_az" {
  description = "Whether an instance in another zone takes over on failure."
  value       = length(aws_docdb_cluster_instance.this) > 1
}

output "deletion_protection" {
  description = "Whether the cluster refuses deletion."
  value       = aws_docdb_cluster.this.deletion_protection
}

output "backup_retention_days" {
  description = "Days of automated backups."
  value       = aws_docdb_cluster.this.backup_retention_period
}
