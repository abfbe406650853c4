output "address" {
  description = "Private address of the instance."
  value       = google_redis_instance.main.host
}

output "port" {
  description = "Port of the instance."
  value       = google_redis_instance.main.port
}

output "auth_string" {
  description = "The AUTH string Memorystore generated."
  value       = google_redis_instance.main.auth_string
  sensitive   = true
}

output "server_ca_certificates" {
  description = "CA certificates that sign the instance's TLS certificate (PEM), which clients must trust."
  value       = [for certificate in google_redis_instance.main.server_ca_certs : certificate.cert]
}
