output "address" {
  description = "Public IPv4 address of the load balancer, which the hosts' DNS records point at."
  value       = google_compute_global_address.edge.address
}

output "certificate" {
  description = "Name of the Google-managed certificate (it turns ACTIVE once the DNS records resolve)."
  value       = google_compute_managed_ssl_certificate.edge.name
}

output "security_policy" {
  description = "Cloud Armor policy of the public services or the ingress controller, if any."
  value       = one(google_compute_security_policy.edge[*].name)
}

output "ingress_backend_service" {
  description = "Backend service of the GKE ingress controller, if any."
  value       = one(google_compute_backend_service.ingress[*].name)
}
