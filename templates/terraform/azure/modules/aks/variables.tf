variable "name" {
  description = "Name of the cluster, and prefix of its identities."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the cluster."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version; AKS applies its patches in the maintenance window."
  type        = string
}

variable "production" {
  description = "Production: the Standard tier (uptime SLA) and three system nodes."
  type        = bool
}

variable "subnet_id" {
  description = "Subnet of the nodes."
  type        = string
}

variable "zones" {
  description = "Availability zones the node pools spread over; null for none."
  type        = list(string)
  default     = null
}

variable "system_vm_size" {
  description = "VM size of the system node pool."
  type        = string
}

variable "node_vm_size" {
  description = "VM size of the application node pool."
  type        = string
}

variable "node_count" {
  description = "Bounds of the application node pool's autoscaler."
  type = object({
    min = number
    max = number
  })
}

variable "host_encryption" {
  description = "Encrypt the nodes' temporary disks and caches at the host (the subscription must have the EncryptionAtHost feature registered)."
  type        = bool
  default     = true
}

variable "ingress_resource_group_id" {
  description = "Resource group of the ingress controller's static public address (module network), which the cluster's identity may manage."
  type        = string
}

variable "api_authorized_ip_ranges" {
  description = "Address ranges that may reach the Kubernetes API from the internet; empty makes the cluster private (switching between the two replaces the cluster)."
  type        = list(string)
  default     = []
}

variable "admin_group_object_ids" {
  description = "Entra ID groups with cluster-admin rights."
  type        = list(string)
  default     = []
}

variable "maintenance_window" {
  description = "Weekly window (UTC) of Kubernetes patch upgrades and node image updates."
  type = object({
    day_of_week = string
    start_time  = string
  })
  default = {
    day_of_week = "Sunday"
    start_time  = "02:00"
  }
}

variable "defender" {
  description = "Turn on Microsoft Defender for Containers for the cluster (billed per vCore)."
  type        = bool
  default     = false
}

variable "container_registry_id" {
  description = "Azure Container Registry the nodes pull from; null when the images live elsewhere."
  type        = string
  default     = null
}

variable "key_vault_id" {
  description = "Key Vault the External Secrets Operator reads."
  type        = string
}

variable "deploy_principal_id" {
  description = "Principal id of the pipeline's deploy identity; null for none."
  type        = string
  default     = null
}

variable "managed_prometheus" {
  description = "Whether the Azure Monitor managed Prometheus add-on (ama-metrics) runs: the azure-monitor monitoring stack reads it."
  type        = bool
  default     = false
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the cluster's logs and metrics."
  type        = string
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
}
