variable "zone_name" {
  description = "Azure DNS zone the hosts are records of."
  type        = string
}

variable "zone_resource_group_name" {
  description = "Resource group of the Azure DNS zone."
  type        = string
}

variable "hosts" {
  description = "Hosts of the environment's public services."
  type        = list(string)
}

variable "ingress_ip_address" {
  description = "Public address of the ingress controller's load balancer; null until it exists (no records then)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
