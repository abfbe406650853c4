variable "zone_name" {
  description = "Public Route 53 zone the hosts are records of."
  type        = string
}

variable "hosts" {
  description = "Host names of the environment: the first is the certificate's subject, the others its alternative names."
  type        = list(string)

  validation {
    condition     = length(var.hosts) > 0
    error_message = "hosts must name at least one host."
  }
}

variable "load_balancer" {
  description = "DNS name and hosted zone of the load balancer the hosts point at; null until it exists."
  type = object({
    dns_name = string
    zone_id  = string
  })
  default = null
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
