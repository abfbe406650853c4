variable "project_id" {
  description = "Google Cloud project of the load balancer."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name (project-environment)."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run services."
  type        = string
}

variable "routes" {
  description = "Public services by name: the Cloud Run service, the host it answers and its path prefix (`/` or `/api`)."
  type = map(object({
    cloud_run_service = string
    host              = string
    path              = string
  }))
  default = {}
}

variable "kubernetes_ingress" {
  description = "GKE: the hosts the cluster's ingress controller serves and its network endpoint groups (self links, one per zone; empty until the controller exists), each endpoint taking up to max_rate_per_endpoint requests a second before the load balancer prefers another; null without a cluster."
  type = object({
    hosts                   = list(string)
    network_endpoint_groups = list(string)
    max_rate_per_endpoint   = optional(number, 100)
  })
  default = null
}

variable "assets_host" {
  description = "Host of the static assets."
  type        = string
}

variable "assets_backend_bucket_id" {
  description = "Backend bucket of the static assets."
  type        = string
}

variable "waf_rules" {
  description = "Cloud Armor preconfigured WAF rule sets that deny a matching request."
  type        = list(string)
  default = [
    "sqli-v33-stable",
    "xss-v33-stable",
    "lfi-v33-stable",
    "rfi-v33-stable",
    "rce-v33-stable",
    "methodenforcement-v33-stable",
    "scannerdetection-v33-stable",
    "protocolattack-v33-stable",
    "sessionfixation-v33-stable",
  ]
}

variable "requests_per_minute" {
  description = "Requests a minute one client address may send before Cloud Armor answers 429."
  type        = number
  default     = 600
}

variable "labels" {
  description = "Labels on every resource that takes them."
  type        = map(string)
}
