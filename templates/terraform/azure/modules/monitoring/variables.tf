variable "name" {
  description = "Name of the workspace."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the workspace."
  type        = string
}

variable "retention_days" {
  description = "Days logs are kept (30 to 730)."
  type        = number
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
