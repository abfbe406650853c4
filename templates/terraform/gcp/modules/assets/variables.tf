variable "project_id" {
  description = "Google Cloud project of the bucket."
  type        = string
}

variable "name" {
  description = "Prefix of the backend bucket's name (project-environment)."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique name of the bucket."
  type        = string
}

variable "region" {
  description = "Location of the bucket."
  type        = string
}

variable "kms_key_name" {
  description = "Cloud KMS key that encrypts the objects (CMEK); null for Google-managed keys."
  type        = string
  default     = null
}

variable "labels" {
  description = "Labels on every resource that takes them."
  type        = map(string)
}
