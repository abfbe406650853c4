variable "name" {
  description = "Prefix of the buckets and the distribution (project-environment)."
  type        = string
}

variable "host" {
  description = "Host the assets are served at (assets.<environment host>)."
  type        = string
}

variable "zone_id" {
  description = "Route 53 zone of the host."
  type        = string
}

variable "web_acl_arn" {
  description = "WAF web ACL (CLOUDFRONT scope) in front of the distribution."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the buckets."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Days a replaced or deleted object version is kept."
  type        = number
  default     = 90
}

variable "log_retention_days" {
  description = "Days the access logs are kept."
  type        = number
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
