variable "name" {
  description = "Prefix of every resource name (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the subnet, router and NAT."
  type        = string
}

variable "cidr" {
  description = "The environment's /16: the subnet, GKE's services and the datastores' range are /20s of it."
  type        = string

  validation {
    condition     = can(cidrsubnet(var.cidr, 4, 2)) && endswith(var.cidr, "/16")
    error_message = "cidr must be an IPv4 /16."
  }
}

variable "pods_cidr" {
  description = "Secondary range of GKE's pods (a /14 outside cidr); unused by Cloud Run."
  type        = string
}

variable "datastore_ports" {
  description = "TCP ports of the database and cache, the only ones open towards the private services range."
  type        = list(number)
  default     = []
}

variable "nat_log_filter" {
  description = "Which NAT events Cloud Logging records: ERRORS_ONLY, TRANSLATIONS_ONLY or ALL."
  type        = string
  default     = "ERRORS_ONLY"

  validation {
    condition     = contains(["ERRORS_ONLY", "TRANSLATIONS_ONLY", "ALL"], var.nat_log_filter)
    error_message = "nat_log_filter must be ERRORS_ONLY, TRANSLATIONS_ONLY or ALL."
  }
}

variable "labels" {
  description = "Labels on every resource that takes them."
  type        = map(string)
}
