variable "project_id" {
  description = "Google Cloud project of the environment."
  type        = string
}

variable "apis" {
  description = "Service APIs the environment uses (compute.googleapis.com, ...)."
  type        = list(string)
}

variable "log_retention_days" {
  description = "Days Cloud Logging keeps the project's logs."
  type        = number

  validation {
    condition     = var.log_retention_days >= 1 && var.log_retention_days <= 3650
    error_message = "log_retention_days must be between 1 and 3650."
  }
}
