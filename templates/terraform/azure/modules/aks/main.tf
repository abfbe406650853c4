# The environment's AKS cluster: Entra ID sign-in with Azure RBAC for Kubernetes (no local accounts), workload
# identity and the OIDC issuer, Azure CNI overlay with Cilium network policy, the Azure Policy add-on, the Key
# Vault secrets provider, a system node pool for cluster add-ons and an autoscaling user pool for the
# application, across zones where asked. The API server is private unless authorized address ranges are given.
# Outbound traffic leaves through the network's NAT gateway.

resource "azurerm_user_assigned_identity" "cluster" {
  name                = "${var.name}-cluster"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

# The control plane joins the nodes' subnet and attaches the NAT gateway's routes.
resource "azurerm_role_assignment" "cluster_network" {
  scope                = var.subnet_id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
}

# The cloud provider attaches the ingress controller's static address (module network) to the cluster's load
# balancer and tags it: it may manage that address's own resource group, and no other.
resource "azurerm_role_assignment" "cluster_ingress_ip" {
  scope                = var.ingress_resource_group_id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
}

resource "azurerm_kubernetes_cluster" "main" {
  name                              = var.name
  location                          = var.location
  resource_group_name               = var.resource_group_name
  dns_prefix                        = var.name
  kubernetes_version                = var.kubernetes_version
  sku_tier                          = var.production ? "Standard" : "Free"
  automatic_upgrade_channel         = "patch"
  node_os_upgrade_channel           = "NodeImage"
  local_account_disabled            = true
  role_based_access_control_enabled = true
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  azure_policy_enabled              = true
  image_cleaner_enabled             = true
  image_cleaner_interval_hours      = 48
  private_cluster_enabled           = length(var.api_authorized_ip_ranges) == 0
  tags                              = var.tags

  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_vm_size
    vnet_subnet_id               = var.subnet_id
    auto_scaling_enabled         = true
    min_count                    = var.production ? 3 : 1
    max_count                    = var.production ? 5 : 2
    zones                        = var.zones
    only_critical_addons_enabled = true
    os_sku                       = "AzureLinux"
    host_encryption_enabled      = var.host_encryption
    temporary_name_for_rotation  = "systemtmp"
    tags                         = var.tags

    upgrade_settings {
      max_surge = "33%"
    }
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cluster.id]
  }

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_group_object_ids
  }

  api_server_access_profile {
    authorized_ip_ranges = length(var.api_authorized_ip_ranges) == 0 ? null : var.api_authorized_ip_ranges
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
    load_balancer_sku   = "standard"
    outbound_type       = "userAssignedNATGateway"
    pod_cidr            = "192.168.0.0/16"
    service_cidr        = "172.16.0.0/16"
    dns_service_ip      = "172.16.0.10"
  }

  key_vault_secrets_provider {
    secret_rotation_enabled = true
  }

  oms_agent {
    log_analytics_workspace_id      = var.log_analytics_workspace_id
    msi_auth_for_monitoring_enabled = true
  }

  # Azure Monitor managed Prometheus: the ama-metrics collectors in kube-system, which send to the data collection
  # rule the monitoring stack associates with this cluster (monitoring/azure-monitor).
  dynamic "monitor_metrics" {
    for_each = var.managed_prometheus ? [1] : []
    content {}
  }

  dynamic "microsoft_defender" {
    for_each = var.defender ? [1] : []
    content {
      log_analytics_workspace_id = var.log_analytics_workspace_id
    }
  }

  # Upgrades and node image updates only in the weekly window.
  maintenance_window_auto_upgrade {
    frequency   = "Weekly"
    interval    = 1
    day_of_week = var.maintenance_window.day_of_week
    start_time  = var.maintenance_window.start_time
    duration    = 4
    utc_offset  = "+00:00"
  }

  maintenance_window_node_os {
    frequency   = "Weekly"
    interval    = 1
    day_of_week = var.maintenance_window.day_of_week
    start_time  = var.maintenance_window.start_time
    duration    = 4
    utc_offset  = "+00:00"
  }

  lifecycle {
    # The autoscaler owns the node count.
    ignore_changes = [default_node_pool[0].node_count]
  }

  depends_on = [azurerm_role_assignment.cluster_network]
}

resource "azurerm_kubernetes_cluster_node_pool" "application" {
  name                        = "apps"
  kubernetes_cluster_id       = azurerm_kubernetes_cluster.main.id
  mode                        = "User"
  vm_size                     = var.node_vm_size
  vnet_subnet_id              = var.subnet_id
  auto_scaling_enabled        = true
  min_count                   = var.node_count.min
  max_count                   = var.node_count.max
  zones                       = var.zones
  os_sku                      = "AzureLinux"
  host_encryption_enabled     = var.host_encryption
  temporary_name_for_rotation = "appstmp"
  tags                        = var.tags

  upgrade_settings {
    max_surge = "33%"
  }

  lifecycle {
    ignore_changes = [node_count]
  }
}

# Nodes pull the application's images from the registry, when it is this project's Azure Container Registry.
resource "azurerm_role_assignment" "nodes_pull_images" {
  count                = var.container_registry_id == null ? 0 : 1
  scope                = var.container_registry_id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id
}

# The External Secrets Operator (ServiceAccount external-secrets/external-secrets) reads the environment's Key
# Vault through workload identity: its ServiceAccount carries this identity's client id (output
# external_secrets_client_id) in the azure.workload.identity/client-id annotation.
resource "azurerm_user_assigned_identity" "external_secrets" {
  name                = "${var.name}-external-secrets"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_federated_identity_credential" "external_secrets" {
  name                = "external-secrets"
  resource_group_name = var.resource_group_name
  parent_id           = azurerm_user_assigned_identity.external_secrets.id
  issuer              = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject             = "system:serviceaccount:external-secrets:external-secrets"
  audience            = ["api://AzureADTokenExchange"]
}

resource "azurerm_role_assignment" "external_secrets_reads_secrets" {
  scope                = var.key_vault_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.external_secrets.principal_id
}

# The pipeline's deploy identity may fetch a user kubeconfig, and nothing more through Azure RBAC: what it may do
# inside is the deploy's Role in the application's namespace (deploy/cluster), bound to its object id by the
# RoleBinding the environment stack prints (output deploy_role_binding). Azure's built-in Kubernetes roles reach
# no custom resource (Rollout, ExternalSecret, Certificate, PodMonitor), and RBAC Writer reads every Secret of
# the namespace; AKS evaluates Kubernetes RBAC beside Azure RBAC.
resource "azurerm_role_assignment" "deploy_cluster_user" {
  count                = var.deploy_principal_id == null ? 0 : 1
  scope                = azurerm_kubernetes_cluster.main.id
  role_definition_name = "Azure Kubernetes Service Cluster User Role"
  principal_id         = var.deploy_principal_id
}

resource "azurerm_monitor_diagnostic_setting" "cluster" {
  name                       = "log-analytics"
  target_resource_id         = azurerm_kubernetes_cluster.main.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category = "kube-audit-admin"
  }

  enabled_log {
    category = "guard"
  }

  enabled_log {
    category = "cluster-autoscaler"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}
