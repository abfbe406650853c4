variable "name" {
  description = "Name of the Cosmos DB account (unique in Azure, lower case)."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the account."
  type        = string
}

variable "server_version" {
  description = "MongoDB wire protocol version the account speaks."
  type        = string
}

variable "database_name" {
  description = "The application's database."
  type        = string
}

variable "max_throughput" {
  description = "Autoscale ceiling of the database's shared throughput, in request units per second."
  type        = number
  default     = 1000
}

variable "production" {
  description = "Production: zone redundancy, 30 days of continuous backup and a lock against deletion."
  type        = bool
}

variable "virtual_network_id" {
  description = "Virtual network the private DNS zone is linked to."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the account's private endpoint."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the account's logs."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
