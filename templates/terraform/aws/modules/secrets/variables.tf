variable "entries" {
  description = "The entry of each service: its name in Secrets Manager and the keys its JSON holds."
  type = map(object({
    name = string
    keys = list(string)
  }))
}

variable "values" {
  description = "Each service's JSON document: write-only, never stored in the state (ephemeral values are accepted)."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

variable "values_version" {
  description = "Raise by one to write the values again (it replaces what is stored)."
  type        = number
}

variable "recovery_window_days" {
  description = "Days a deleted entry can still be restored."
  type        = number

  validation {
    condition     = var.recovery_window_days >= 7 && var.recovery_window_days <= 30
    error_message = "recovery_window_days must be between 7 and 30."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the entries."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
