variable "project_id" {
  description = "Google Cloud project of the cluster."
  type        = string
}

variable "name" {
  description = "Name of the cluster (project-environment): the pipeline's CLUSTER_NAME."
  type        = string
}

variable "region" {
  description = "Region of the cluster: its control plane and nodes span the region's zones."
  type        = string
}

variable "network_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnetwork_id" {
  description = "Private subnet of the nodes."
  type        = string
}

variable "pods_range_name" {
  description = "Secondary range of the subnet for pods."
  type        = string
}

variable "services_range_name" {
  description = "Secondary range of the subnet for services."
  type        = string
}

variable "control_plane_cidr" {
  description = "A /28 outside the VPC's ranges for the control plane's private endpoint."
  type        = string
}

variable "authorized_networks" {
  description = "Ranges that may reach the Kubernetes API, by a name (CI runners, offices); empty for none."
  type        = map(string)
  default     = {}
}

variable "release_channel" {
  description = "GKE release channel: RAPID, REGULAR or STABLE."
  type        = string

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "binary_authorization" {
  description = "Admit only images the project's Binary Authorization policy allows (signed images)."
  type        = bool
  default     = false
}

variable "machine_type" {
  description = "Machine type of the nodes."
  type        = string
}

variable "node_count" {
  description = "Fewest and most nodes of the pool, across all zones."
  type = object({
    min = number
    max = number
  })
}

variable "deletion_protection" {
  description = "Refuse to destroy the cluster."
  type        = bool
}

variable "labels" {
  description = "Labels on every resource that takes them (the cluster's and nodes' resource labels too)."
  type        = map(string)
}

variable "ingress_controller_port" {
  description = "Port the ingress controller's pods serve plain HTTP on (the chart's container port http), which the load balancer sends requests to."
  type        = number
  default     = 80
}

variable "edge_source_ranges" {
  description = "Where Google's external Application Load Balancer and its health checks connect from: the only sources admitted to the ingress controller's port."
  type        = list(string)
  default     = ["35.191.0.0/16", "130.211.0.0/22"]
}
