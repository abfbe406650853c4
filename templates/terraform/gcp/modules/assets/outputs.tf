output "bucket" {
  description = "Name of the bucket."
  value       = google_storage_bucket.assets.name
}

output "backend_bucket_id" {
  description = "The backend bucket the load balancer routes the assets host to."
  value       = google_compute_backend_bucket.assets.id
}
