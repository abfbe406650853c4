variable "project_id" {
  description = "Google Cloud project of the instance."
  type        = string
}

variable "name" {
  description = "Name of the instance (project-environment): the pipeline's DB_INSTANCE."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "database_version" {
  description = "Cloud SQL engine and major version (POSTGRES_17, MYSQL_8_4)."
  type        = string

  validation {
    condition     = can(regex("^(POSTGRES|MYSQL)_", var.database_version))
    error_message = "database_version must be a POSTGRES_ or MYSQL_ version."
  }
}

variable "tier" {
  description = "Machine tier of the instance (db-custom-CPUS-MEMORY_MB)."
  type        = string
}

variable "database_name" {
  description = "The application's database."
  type        = string
}

variable "username" {
  description = "The application's user."
  type        = string
}

variable "password" {
  description = "The application user's password: write-only, never stored in the state (ephemeral values are accepted)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Raise by one to set the password again."
  type        = number
}

variable "high_availability" {
  description = "A standby in another zone of the region (REGIONAL availability)."
  type        = bool
}

variable "deletion_protection" {
  description = "Refuse to delete the instance, in Terraform and in the Cloud SQL API."
  type        = bool
}

variable "backup_retention_days" {
  description = "Daily backups kept; point-in-time recovery covers the last seven days at most."
  type        = number

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 365
    error_message = "backup_retention_days must be between 1 and 365."
  }
}

variable "network_id" {
  description = "VPC the instance's private address is in."
  type        = string
}

variable "private_services_range" {
  description = "Private services access range the address is taken from."
  type        = string
}

variable "labels" {
  description = "Labels on every resource that takes them."
  type        = map(string)
}
