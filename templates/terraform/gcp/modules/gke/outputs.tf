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

output "node_zones" {
  description = "Zones the node pool runs in: one network endpoint group of the ingress controller each."
  value       = toset(google_container_node_pool.general.node_locations)
}

output "edge_source_ranges" {
  description = "Where Google's load balancer connects to the ingress controller from (its front ends and health checks)."
  value       = var.edge_source_ranges
}
