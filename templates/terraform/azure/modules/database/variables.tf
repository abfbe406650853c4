variable "name" {
  description = "Name of the flexible server (unique in Azure)."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the server."
  type        = string
}

variable "engine" {
  description = "postgres or mysql."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be postgres or mysql."
  }
}

variable "engine_version" {
  description = "Major version of the engine."
  type        = string
}

variable "sku_name" {
  description = "Compute tier and size (B_ burstable, GP_ general purpose: zone-redundant HA needs GP_ or MO_)."
  type        = string
}

variable "storage_gb" {
  description = "Storage at creation, in GiB; it grows on its own."
  type        = number
  default     = 32
}

variable "database_name" {
  description = "The application's database."
  type        = string
}

variable "username" {
  description = "Administrator login the application connects as."
  type        = string
}

variable "password" {
  description = "Administrator password; write-only, never stored in the state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Raise to send a new password."
  type        = number
}

variable "production" {
  description = "Production: geo-redundant backups, a zone-redundant standby and a lock against deletion."
  type        = bool
}

variable "backup_retention_days" {
  description = "Days automated backups are kept: the point-in-time-recovery window (7 to 35)."
  type        = number
}

variable "entra_authentication" {
  description = "Also accept Microsoft Entra ID sign-in (PostgreSQL; add administrators with azurerm_postgresql_flexible_server_active_directory_administrator)."
  type        = bool
  default     = false
}

variable "tenant_id" {
  description = "Entra ID tenant of the sign-ins, when entra_authentication is on."
  type        = string
  default     = null
}

variable "maintenance_window" {
  description = "Weekly maintenance window in UTC: day of week (0 is Sunday) and start hour."
  type = object({
    day_of_week = number
    start_hour  = number
  })
  default = {
    day_of_week = 0
    start_hour  = 3
  }
}

variable "deploy_principal_id" {
  description = "Principal id of the pipeline's deploy identity, which takes a backup before each production deploy; null for none."
  type        = string
  default     = null
}

variable "subnet_id" {
  description = "Subnet delegated to the flexible server."
  type        = string
}

variable "virtual_network_id" {
  description = "Virtual network the server's private DNS zone is linked to."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the server's logs."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
