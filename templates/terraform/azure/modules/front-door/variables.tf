variable "name" {
  description = "Name of the Front Door profile and endpoint, and (without hyphens) of the WAF policy."
  type        = string
}

variable "location" {
  description = "Azure region of the storage account and of the private link connections."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the profile and the storage account."
  type        = string
}

variable "production" {
  description = "Production: zone-redundant storage."
  type        = bool
}

variable "storage_account_name" {
  description = "Name of the assets storage account (3 to 24 lower-case letters and digits, unique in Azure)."
  type        = string
}

variable "soft_delete_days" {
  description = "Days a deleted blob or container can be restored."
  type        = number
}

variable "dns_zone_name" {
  description = "Azure DNS zone the hosts are records of."
  type        = string
}

variable "dns_zone_resource_group_name" {
  description = "Resource group of the Azure DNS zone."
  type        = string
}

variable "hosts" {
  description = "Every host Front Door answers: the assets host and the hosts of the public services (or of the AKS ingress)."
  type        = list(string)
}

variable "assets_host" {
  description = "Host of the static assets (one of hosts)."
  type        = string
}

variable "app_routes" {
  description = "Public services of the Container Apps environment, by service: host (one of hosts), path prefix, the app's ingress host and its health path."
  type = map(object({
    host        = string
    path        = string
    origin_host = string
    health_path = string
  }))
  default = {}
}

variable "container_apps_environment_id" {
  description = "Container Apps environment the app routes reach over private link; null without one."
  type        = string
  default     = null
}

variable "ingress_hosts" {
  description = "Hosts (each one of hosts) whose every request goes to the AKS ingress controller; empty without AKS."
  type        = list(string)
  default     = []
}

variable "ingress_address" {
  description = "Static public address of the AKS ingress controller's load balancer; null without AKS."
  type        = string
  default     = null
}

variable "rate_limit_per_minute" {
  description = "Requests a client address may send per minute before the WAF blocks it."
  type        = number
  default     = 1000
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the access and WAF logs."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
