variable "name" {
  description = "Name of the load balancer and prefix of its resources (project-environment)."
  type        = string

  validation {
    condition     = length(var.name) <= 32
    error_message = "name must be at most 32 characters (the load balancer's limit)."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster and the load balancer."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the load balancer."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the public hosts."
  type        = string
}

variable "node_security_group_id" {
  description = "Security group of the cluster's nodes (EKS's cluster security group), which admits the load balancer on the NodePorts."
  type        = string
}

variable "node_autoscaling_group_name" {
  description = "Auto Scaling group of the managed node group, whose nodes become the load balancer's targets."
  type        = string
}

variable "node_ports" {
  description = "NodePorts of the ingress controller's Service: http (health checks, ACME challenges) and https (all other traffic)."
  type        = map(number)
  default = {
    http  = 30080
    https = 30443
  }

  validation {
    condition     = toset(keys(var.node_ports)) == toset(["http", "https"]) && alltrue([for port in values(var.node_ports) : port >= 30000 && port <= 32767])
    error_message = "node_ports must set http and https, each in Kubernetes's NodePort range 30000-32767."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
