output "network_id" {
  description = "Id of the VPC."
  value       = google_compute_network.main.id
}

output "network_name" {
  description = "Name of the VPC."
  value       = google_compute_network.main.name
}

output "subnetwork_id" {
  description = "Id of the private subnet."
  value       = google_compute_subnetwork.private.id
}

output "pods_range_name" {
  description = "Name of the subnet's secondary range for GKE's pods."
  value       = "pods"
}

output "services_range_name" {
  description = "Name of the subnet's secondary range for GKE's services."
  value       = "services"
}

output "private_services_connection" {
  description = "The private services access peering, which Cloud SQL and Memorystore must be created after."
  value       = google_service_networking_connection.private_services.id
}

output "private_services_range" {
  description = "Name of the address range Cloud SQL and Memorystore take their private addresses from."
  value       = google_compute_global_address.private_services.name
}
