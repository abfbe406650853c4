variable "project_id" {
  description = "Google Cloud project of the services."
  type        = string
}

variable "name" {
  description = "Prefix of the service accounts' names (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the services."
  type        = string
}

variable "network_id" {
  description = "VPC the services send their traffic into."
  type        = string
}

variable "subnetwork_id" {
  description = "Subnet the services' instances take their addresses from."
  type        = string
}

variable "secret_ids" {
  description = "Secret of each secret setting, keyed service/SETTING."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to delete the services and jobs."
  type        = bool
}

variable "services" {
  description = "The services by name: their Cloud Run name, image, size and settings, and their migration job if any. A service without a port runs as a worker pool."
  type = map(object({
    workload       = string
    image          = string
    port           = optional(number)
    health_path    = optional(string)
    command        = optional(list(string))
    cpu            = string
    memory         = string
    min_instances  = number
    max_instances  = number
    public         = bool
    environment    = optional(map(string), {})
    secret_keys    = optional(list(string), [])
    writable_paths = optional(list(string), [])
    migration = optional(object({
      name    = string
      image   = string
      command = list(string)
    }))
  }))
}

variable "labels" {
  description = "Labels on every resource that takes them."
  type        = map(string)
}
