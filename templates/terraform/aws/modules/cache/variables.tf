variable "name" {
  description = "Identifier of the replication group and prefix of its resources (project-environment)."
  type        = string
}

variable "engine_version" {
  description = "Redis OSS version, such as 7.1."
  type        = string
}

variable "node_type" {
  description = "Node type, such as cache.t4g.small or cache.r7g.large."
  type        = string
}

variable "port" {
  description = "Port the cache listens on."
  type        = number
  default     = 6379
}

variable "high_availability" {
  description = "A replica in another zone with automatic failover."
  type        = bool
}

variable "secret_recovery_days" {
  description = "Days the AUTH token's deleted entry can be restored."
  type        = number
  default     = 30
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots."
  type        = number
}

variable "log_retention_days" {
  description = "Days the slow log is kept."
  type        = number
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cache."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups that may connect, by a name for the rule's description."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the data at rest and the slow log."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
