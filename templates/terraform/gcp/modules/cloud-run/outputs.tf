output "service_names" {
  description = "Cloud Run name of each service with a port (the pipeline deploys them by these names)."
  value       = { for name, service in google_cloud_run_v2_service.service : name => service.name }
}

output "public_services" {
  description = "Cloud Run name of each service the load balancer sends traffic to."
  value       = { for name, service in google_cloud_run_v2_service.service : name => service.name if var.services[name].public }
}

output "service_uris" {
  description = "Internal URI of each service (run.app, reachable from the VPC)."
  value       = { for name, service in google_cloud_run_v2_service.service : name => service.uri }
}

output "migration_jobs" {
  description = "Cloud Run job of each migration."
  value       = { for name, job in google_cloud_run_v2_job.migration : name => job.name }
}

output "service_accounts" {
  description = "Service account each service runs as."
  value       = { for name, account in google_service_account.service : name => account.email }
}
