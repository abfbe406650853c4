output "cluster_name" {
  description = "Name of the cluster."
  value       = google_container_cluster.main.name
}

output "workload_identity_pool" {
  description = "The cluster's Workload Identity pool (PROJECT.svc.id.goog), which Kubernetes service accounts are principals of."
  value       = google_container_cluster.main.workload_identity_config[0].workload_pool
}

output "node_service_account" {
  description = "Service account of the nodes (image pulls)."
  value       = google_service_account.nodes.email
}
