output "instance_name" {
  description = "Name of the instance."
  value       = google_sql_database_instance.main.name
}

output "connection_name" {
  description = "PROJECT:REGION:INSTANCE, what the Cloud SQL connectors and Auth Proxy take."
  value       = google_sql_database_instance.main.connection_name
}

output "address" {
  description = "Private address of the instance."
  value       = google_sql_database_instance.main.private_ip_address
}

output "port" {
  description = "Port of the engine."
  value       = local.postgres ? 5432 : 3306
}

output "availability_type" {
  description = "REGIONAL (a standby in another zone) or ZONAL."
  value       = google_sql_database_instance.main.settings[0].availability_type
}

output "deletion_protection" {
  description = "Whether the instance refuses deletion."
  value       = google_sql_database_instance.main.deletion_protection
}
