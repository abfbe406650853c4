variable "name" {
  description = "Name of the web ACL and prefix of its resources."
  type        = string
}

variable "scope" {
  description = "REGIONAL (load balancers) or CLOUDFRONT (distributions; the provider must be in us-east-1)."
  type        = string

  validation {
    condition     = contains(["REGIONAL", "CLOUDFRONT"], var.scope)
    error_message = "scope must be REGIONAL or CLOUDFRONT."
  }
}

variable "requests_per_five_minutes" {
  description = "Requests one address may send in five minutes before it is blocked."
  type        = number
  default     = 2000
}

variable "protected_resource_arns" {
  description = "Regional resources (load balancers) the web ACL protects, by a name; distributions name the ACL themselves."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Days the WAF log is kept."
  type        = number
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the WAF log group (in the same region as the log group)."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
