variable "project_id" {
  description = "Google Cloud project of the secrets."
  type        = string
}

variable "region" {
  description = "The one region the secrets are replicated in."
  type        = string
}

variable "entries" {
  description = "Each service's entry: its secret's name and the settings it holds."
  type = map(object({
    name = string
    keys = list(string)
  }))
}

variable "one_secret_per_setting" {
  description = "One secret per setting (Cloud Run) instead of one JSON secret per service (External Secrets Operator)."
  type        = bool
}

variable "values" {
  description = "Each service's first values by setting: write-only, never stored in the state (ephemeral values are accepted)."
  type        = map(map(string))
  sensitive   = true
  ephemeral   = true
}

variable "values_version" {
  description = "Raise by one to write the values again (a new version of every secret)."
  type        = number
}

variable "readers" {
  description = "IAM members that may read every secret (roles/secretmanager.secretAccessor), by a name."
  type        = map(string)
  default     = {}
}

variable "recovery_days" {
  description = "Days a destroyed secret version can still be restored."
  type        = number
}

variable "labels" {
  description = "Labels on every resource that takes them."
  type        = map(string)
}
