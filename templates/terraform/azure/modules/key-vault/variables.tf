variable "name" {
  description = "Name of the Key Vault (3 to 24 letters, digits and hyphens, unique in Azure)."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the vault."
  type        = string
}

variable "purge_protection" {
  description = "Refuse to purge the vault or its secrets before their soft-delete retention ends (cannot be turned off again)."
  type        = bool
}

variable "soft_delete_retention_days" {
  description = "Days a deleted vault or secret can be recovered (7 to 90)."
  type        = number
}

variable "admin_ip_ranges" {
  description = "Public IPv4 addresses or ranges that may reach the vault from outside the network: the machines that run Terraform."
  type        = list(string)
}

variable "secrets" {
  description = "The secrets to create, by a key of the caller's: their names in the vault."
  type        = map(string)
}

variable "secret_values" {
  description = "First value of each secret, by the same keys; write-only, never stored in the state."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

variable "values_version" {
  description = "Raise to write every secret's value again."
  type        = number
}

variable "content_type" {
  description = "Content type of the secrets' values."
  type        = string
  default     = "text/plain"
}

variable "virtual_network_id" {
  description = "Virtual network the private DNS zone is linked to."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the vault's private endpoint."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace the audit log goes to."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
