variable "project_id" {
  description = "Google Cloud project of the environment."
  type        = string
}

variable "name" {
  description = "Prefix of the custom role's id (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run services."
  type        = string
}

variable "deploy_service_account" {
  description = "E-mail of the pipeline's deploy service account of this environment; null grants nothing."
  type        = string
  default     = null
}

variable "cluster" {
  description = "The environment runs on GKE."
  type        = bool
}

variable "cloud_run_services" {
  description = "Cloud Run services the pipeline deploys, by service."
  type        = map(string)
  default     = {}
}

variable "migration_jobs" {
  description = "Cloud Run jobs the pipeline runs before a deploy, by service."
  type        = map(string)
  default     = {}
}

variable "runtime_service_accounts" {
  description = "Service account each Cloud Run service runs as, by service."
  type        = map(string)
  default     = {}
}

variable "database_instance" {
  description = "Cloud SQL instance the pipeline backs up before a deploy; null for none."
  type        = string
  default     = null
}

variable "registry_project_id" {
  description = "Project of the Artifact Registry repositories; null when the images live elsewhere."
  type        = string
  default     = null
}

variable "image_pullers" {
  description = "IAM members that pull the images (GKE nodes, the Cloud Run service agent), by a name."
  type        = map(string)
  default     = {}
}
