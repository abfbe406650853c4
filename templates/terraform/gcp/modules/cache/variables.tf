variable "project_id" {
  description = "Google Cloud project of the instance."
  type        = string
}

variable "name" {
  description = "Name of the instance (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "redis_version" {
  description = "Memorystore Redis version (REDIS_7_2)."
  type        = string
}

variable "memory_size_gb" {
  description = "Memory of the instance in GiB."
  type        = number
}

variable "high_availability" {
  description = "STANDARD_HA: a replica in another zone and automatic failover."
  type        = bool
}

variable "network_id" {
  description = "VPC the instance is reachable from."
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
