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
