variable "name" {
  description = "Name of the cluster and load balancer, prefix of the task definition families and roles (project-environment)."
  type        = string

  validation {
    condition     = length(var.name) <= 32
    error_message = "name must be at most 32 characters (the load balancer's limit)."
  }
}

variable "services" {
  description = "The application's services: image, port, health, size, settings and public route of each."
  type = map(object({
    workload       = string
    family         = string
    image          = string
    port           = optional(number)
    health_path    = optional(string, "/")
    health_command = optional(list(string))
    command        = optional(list(string))
    user           = string
    cpu            = number
    memory         = number
    min_count      = number
    max_count      = number
    writable_paths = optional(list(string), [])
    environment    = optional(map(string), {})
    secret_keys    = optional(list(string), [])
    route = optional(object({
      host     = string
      path     = string
      priority = number
    }))
    migration = optional(object({
      family  = string
      image   = string
      command = list(string)
    }))
  }))

  validation {
    condition     = alltrue([for service in values(var.services) : contains([256, 512, 1024, 2048, 4096, 8192, 16384], service.cpu)])
    error_message = "Each service's cpu must be a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }

  validation {
    condition     = alltrue([for service in values(var.services) : service.route == null || service.port != null])
    error_message = "A service with a public route must have a port."
  }
}

variable "vpc_id" {
  description = "VPC of the services and the load balancer."
  type        = string
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC, which the tasks may reach (datastores, other services)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in."
  type        = list(string)
}

variable "public_subnet_ids" {
  description = "Public subnets of the load balancer."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the public hosts."
  type        = string
}

variable "secret_arns" {
  description = "Secrets Manager entry of each service that has secret settings."
  type        = map(string)
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
}

variable "log_retention_days" {
  description = "Days the services' logs are kept."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key of the log groups and the secret entries."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
