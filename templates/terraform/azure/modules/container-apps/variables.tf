variable "name" {
  description = "Name of the Container Apps environment."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the environment and its apps."
  type        = string
}

variable "subnet_id" {
  description = "Subnet delegated to Microsoft.App/environments."
  type        = string
}

variable "zone_redundant" {
  description = "Spread the environment's replicas over the region's availability zones."
  type        = bool
}

variable "container_registry" {
  description = "Azure Container Registry the apps pull from with their identities (id and login server); null when the images live elsewhere."
  type = object({
    id     = string
    server = string
  })
  default = null
}

variable "key_vault_id" {
  description = "Key Vault holding the services' secrets."
  type        = string
}

variable "deploy_principal_id" {
  description = "Principal id of the pipeline's deploy identity; null for none."
  type        = string
  default     = null
}

variable "services" {
  description = "The services, by name: Container App name, image, port (null for a worker), health path, whether Front Door reaches it, CPU and memory of a replica, replica bounds, command, plain settings, secret settings (setting name to Key Vault secret id) and the migration job."
  type = map(object({
    name         = string
    image        = string
    port         = optional(number)
    health_path  = optional(string)
    public       = bool
    cpu          = number
    memory       = string
    min_replicas = number
    max_replicas = number
    command      = optional(list(string))
    environment  = map(string)
    secrets      = map(string)
    migration = optional(object({
      name    = string
      image   = string
      command = list(string)
    }))
  }))
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the apps' logs."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
