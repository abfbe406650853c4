variable "name" {
  description = "Name of the cache (unique in Azure)."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the cache."
  type        = string
}

variable "redis_version" {
  description = "Major version of Redis."
  type        = string
}

variable "production" {
  description = "Production: the Premium tier across availability zones."
  type        = bool
}

variable "maintenance_window" {
  description = "Weekly patch window: day of the week and start hour (UTC)."
  type = object({
    day_of_week = string
    start_hour  = number
  })
  default = {
    day_of_week = "Sunday"
    start_hour  = 4
  }
}

variable "virtual_network_id" {
  description = "Virtual network the private DNS zone is linked to."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the cache's private endpoint."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the cache's logs."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
