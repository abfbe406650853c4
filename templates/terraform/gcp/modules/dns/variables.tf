variable "project_id" {
  description = "Google Cloud project of the managed zone."
  type        = string
}

variable "managed_zone" {
  description = "Name of the Cloud DNS managed zone that holds the domain (not the DNS name)."
  type        = string
}

variable "records" {
  description = "IPv4 address each host points at, by host name."
  type        = map(string)
}
