variable "name" {
  description = "Identifier of the instance and prefix of its resources (project-environment)."
  type        = string
}

variable "engine" {
  description = "RDS engine: postgres or mysql."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be postgres or mysql."
  }
}

variable "engine_version" {
  description = "Major version (17 for PostgreSQL, 8.4 for MySQL); RDS applies minor versions in the maintenance window."
  type        = string
}

variable "port" {
  description = "Port the database (and its proxy) listens on."
  type        = number
}

variable "instance_class" {
  description = "Instance class, such as db.t4g.medium or db.r7g.large."
  type        = string
}

variable "allocated_storage_gb" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 200
}

variable "database_name" {
  description = "Database the application uses."
  type        = string
}

variable "username" {
  description = "Master user the application signs in as."
  type        = string
}

variable "password" {
  description = "Master password: write-only, never stored in the state (an ephemeral value is accepted)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Raise by one to set a new password (and the proxy's copy of it)."
  type        = number
}

variable "multi_az" {
  description = "A synchronous standby in another zone, with automatic failover."
  type        = bool
}

variable "deletion_protection" {
  description = "Refuse deletion, and take a final snapshot when deletion is allowed after all."
  type        = bool
}

variable "backup_retention_days" {
  description = "Days of automated backups: the point-in-time-recovery window."
  type        = number

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "read_replica" {
  description = "Create one read replica."
  type        = bool
  default     = false
}

variable "proxy" {
  description = "Put RDS Proxy in front of the database (the application connects to the proxy)."
  type        = bool
  default     = true
}

variable "backup_copy" {
  description = "Copy the automated backups to the region of the aws.backup_copy provider."
  type        = bool
  default     = false
}

variable "secret_recovery_days" {
  description = "Days the proxy's deleted secret can be restored."
  type        = number
  default     = 30
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the database and its proxy."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups that may connect, by a name for the rule's description."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts storage, backups, Performance Insights and the proxy's secret."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
