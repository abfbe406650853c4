variable "name" {
  description = "Name of the virtual network, and prefix of its security groups."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the network."
  type        = string
}

variable "address_space" {
  description = "IPv4 range of the virtual network (a /16: the workload subnet takes its first /20)."
  type        = string
}

variable "workload" {
  description = "What runs in the workload subnet: aks (nodes and pods, Azure CNI overlay) or container-apps (a delegated environment)."
  type        = string

  validation {
    condition     = contains(["aks", "container-apps"], var.workload)
    error_message = "workload must be aks or container-apps."
  }
}

variable "zones" {
  description = "Availability zones of the AKS ingress controller's public address (all three: zone-redundant); null for none."
  type        = list(string)
  default     = null
}

variable "database_delegation" {
  description = "Service the database subnet is delegated to (Microsoft.DBforPostgreSQL/flexibleServers or Microsoft.DBforMySQL/flexibleServers); null for no database subnet."
  type        = string
  default     = null
}

variable "database_port" {
  description = "Port the workloads reach the database on."
  type        = number
  default     = 5432
}

variable "private_endpoint_ports" {
  description = "Ports the workloads reach private endpoints on (Key Vault 443, Redis 6380, Cosmos DB 10255)."
  type        = list(string)
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace the security group events go to."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
