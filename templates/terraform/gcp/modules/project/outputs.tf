output "project_number" {
  description = "Number of the project, which service agents and Workload Identity principals are named by."
  value       = data.google_project.this.number
}

output "apis" {
  description = "The APIs turned on, for modules that must wait for them."
  value       = [for api in google_project_service.api : api.service]
}
