variable "name" {
  description = "Name of the cluster and prefix of its resources (project-environment)."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes, such as 1.34."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as 1.34."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the control plane's interfaces and the nodes."
  type        = list(string)
}

variable "public_access_cidrs" {
  description = "Address ranges that may reach the API server from the internet; empty keeps it private."
  type        = list(string)
  default     = []

  validation {
    condition     = !contains(var.public_access_cidrs, "0.0.0.0/0")
    error_message = "public_access_cidrs must not contain 0.0.0.0/0: list the ranges of your offices and CI runners."
  }
}

variable "deploy_kubernetes_group" {
  description = "Kubernetes group the deploy role is mapped to: the subject of the RoleBinding in the application's namespace (deploy/cluster)."
  type        = string
}

variable "deploy_role_arn" {
  description = "IAM role the pipeline deploys with (from infra/bootstrap); null for none."
  type        = string
  default     = null
}

variable "admin_role_arns" {
  description = "IAM roles with cluster-admin rights, by a name."
  type        = map(string)
  default     = {}
}

variable "node_instance_types" {
  description = "EC2 instance types of the managed node group."
  type        = list(string)
}

variable "node_count" {
  description = "Smallest and largest number of nodes."
  type = object({
    min = number
    max = number
  })

  validation {
    condition     = var.node_count.min >= 1 && var.node_count.max >= var.node_count.min
    error_message = "node_count.min must be at least 1 and no more than node_count.max."
  }
}

variable "node_disk_gb" {
  description = "Root volume size of each node in GiB."
  type        = number
  default     = 50
}

variable "secret_arns" {
  description = "Secrets Manager entries the External Secrets Operator may read, by service."
  type        = map(string)
}

variable "external_secrets_service_account" {
  description = "Namespace and name of the External Secrets Operator's service account."
  type = object({
    namespace = string
    name      = string
  })
  default = {
    namespace = "external-secrets"
    name      = "external-secrets"
  }
}

variable "log_retention_days" {
  description = "Days the control-plane logs are kept."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key that encrypts Kubernetes Secrets, node volumes and the control-plane logs."
  type        = string
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
}
