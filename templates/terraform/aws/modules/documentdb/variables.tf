variable "name" {
  description = "Identifier of the cluster and prefix of its resources (project-environment)."
  type        = string
}

variable "engine_version" {
  description = "DocumentDB engine version, such as 5.0.0."
  type        = string
}

variable "port" {
  description = "Port the cluster listens on."
  type        = number
  default     = 27017
}

variable "instance_class" {
  description = "Instance class, such as db.t4g.medium or db.r6g.large."
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
  description = "Raise by one to set a new password."
  type        = number
}

variable "high_availability" {
  description = "A second instance in another zone, promoted on failure."
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

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cluster."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups that may connect, by a name for the rule's description."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts storage and backups."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
