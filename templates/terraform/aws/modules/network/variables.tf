variable "name" {
  description = "Name of the VPC and prefix of its resources (project-environment)."
  type        = string
}

variable "cidr" {
  description = "IPv4 range of the VPC; /16 leaves room for three public and three private /20 subnets."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) <= 20
    error_message = "cidr must be an IPv4 CIDR block of /20 or larger, such as 10.0.0.0/16."
  }
}

variable "zone_count" {
  description = "How many availability zones the subnets span."
  type        = number
  default     = 3

  validation {
    condition     = var.zone_count >= 2 && var.zone_count <= 4
    error_message = "zone_count must be 2, 3 or 4."
  }
}

variable "nat_gateway_per_zone" {
  description = "One NAT gateway per zone (survives a zone's loss) instead of one shared gateway."
  type        = bool
}

variable "log_retention_days" {
  description = "Days the VPC flow logs are kept."
  type        = number
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the flow log group."
  type        = string
}

variable "public_subnet_tags" {
  description = "Extra tags on the public subnets (load balancer discovery)."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Extra tags on the private subnets (internal load balancer discovery)."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
