variable "name" {
  description = "Name of the key's alias (project-environment)."
  type        = string
}

variable "deletion_window_days" {
  description = "Days a key scheduled for deletion can still be recovered."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_days >= 7 && var.deletion_window_days <= 30
    error_message = "deletion_window_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
