# The environment's Container Apps: an environment on the network's workload subnet with an internal load
# balancer only (the public entry is Front Door, over private link), one Container App per service in
# multiple-revisions mode (the pipeline shifts traffic between revisions), and a Container App job per migration.
# Each app has its own managed identity, which pulls its image and reads only its own Key Vault secrets.
# Container Apps run the image's own user; the root filesystem is writable, so no volume is needed for the
# paths a service writes to.

locals {
  # Setting names as Container Apps secret names (lower-case letters, digits and hyphens).
  secret_names = {
    for service, definition in var.services : service => {
      for setting in keys(definition.secrets) : setting => lower(replace(setting, "_", "-"))
    }
  }
  secret_grants = merge([
    for service, definition in var.services : {
      for setting, secret_id in definition.secrets : "${service}/${setting}" => { service = service, secret_id = secret_id }
    }
  ]...)
  migrations = { for service, definition in var.services : service => definition.migration if definition.migration != null }
}

resource "azurerm_container_app_environment" "main" {
  name                           = var.name
  location                       = var.location
  resource_group_name            = var.resource_group_name
  infrastructure_subnet_id       = var.subnet_id
  internal_load_balancer_enabled = true
  zone_redundancy_enabled        = var.zone_redundant
  mutual_tls_enabled             = true
  # Logs go through the diagnostic setting below: the workspace takes no shared keys, which the
  # log-analytics destination would need.
  logs_destination = "azure-monitor"
  tags             = var.tags

  workload_profile {
    name                  = "Consumption"
    workload_profile_type = "Consumption"
  }
}

resource "azurerm_user_assigned_identity" "service" {
  for_each            = var.services
  name                = each.value.name
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_role_assignment" "service_pulls_images" {
  for_each             = var.container_registry == null ? {} : var.services
  scope                = var.container_registry.id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_user_assigned_identity.service[each.key].principal_id
}

# Each identity reads its own service's secrets, one role assignment per secret.
resource "azurerm_role_assignment" "service_reads_secret" {
  for_each             = local.secret_grants
  scope                = "${var.key_vault_id}/secrets/${basename(each.value.secret_id)}"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.service[each.value.service].principal_id
}

resource "azurerm_container_app" "service" {
  for_each                     = var.services
  name                         = each.value.name
  container_app_environment_id = azurerm_container_app_environment.main.id
  resource_group_name          = var.resource_group_name
  revision_mode                = "Multiple"
  max_inactive_revisions       = 10
  workload_profile_name        = "Consumption"
  tags                         = var.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.service[each.key].id]
  }

  dynamic "registry" {
    for_each = var.container_registry == null ? [] : [var.container_registry]
    content {
      server   = registry.value.server
      identity = azurerm_user_assigned_identity.service[each.key].id
    }
  }

  dynamic "secret" {
    for_each = each.value.secrets
    content {
      name                = local.secret_names[each.key][secret.key]
      identity            = azurerm_user_assigned_identity.service[each.key].id
      key_vault_secret_id = secret.value
    }
  }

  dynamic "ingress" {
    for_each = each.value.port == null ? [] : [each.value.port]
    content {
      # Visible to the virtual network (and so to Front Door's private link) when public, else to the
      # environment's other apps only.
      external_enabled           = each.value.public
      target_port                = ingress.value
      transport                  = "auto"
      allow_insecure_connections = false

      traffic_weight {
        latest_revision = true
        percentage      = 100
      }
    }
  }

  template {
    min_replicas = each.value.min_replicas
    max_replicas = each.value.max_replicas

    container {
      name    = each.key
      image   = each.value.image
      cpu     = each.value.cpu
      memory  = each.value.memory
      command = each.value.command

      dynamic "env" {
        for_each = each.value.environment
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = each.value.secrets
        content {
          name        = env.key
          secret_name = local.secret_names[each.key][env.key]
        }
      }

      dynamic "startup_probe" {
        for_each = each.value.port != null && each.value.health_path != null ? [1] : []
        content {
          transport               = "HTTP"
          port                    = each.value.port
          path                    = each.value.health_path
          interval_seconds        = 5
          failure_count_threshold = 30
        }
      }

      dynamic "readiness_probe" {
        for_each = each.value.port != null && each.value.health_path != null ? [1] : []
        content {
          transport               = "HTTP"
          port                    = each.value.port
          path                    = each.value.health_path
          interval_seconds        = 10
          failure_count_threshold = 3
        }
      }

      dynamic "liveness_probe" {
        for_each = each.value.port != null && each.value.health_path != null ? [1] : []
        content {
          transport               = "HTTP"
          port                    = each.value.port
          path                    = each.value.health_path
          interval_seconds        = 10
          failure_count_threshold = 3
        }
      }
    }
  }

  lifecycle {
    # The pipeline deploys images by digest and shifts traffic between revisions (az containerapp update,
    # az containerapp ingress traffic set): Terraform leaves both to it.
    ignore_changes = [template[0].container[0].image, template[0].revision_suffix, ingress[0].traffic_weight]
  }

  depends_on = [azurerm_role_assignment.service_pulls_images, azurerm_role_assignment.service_reads_secret]
}

resource "azurerm_container_app_job" "migration" {
  for_each                     = local.migrations
  name                         = each.value.name
  location                     = var.location
  container_app_environment_id = azurerm_container_app_environment.main.id
  resource_group_name          = var.resource_group_name
  workload_profile_name        = "Consumption"
  replica_timeout_in_seconds   = 1800
  replica_retry_limit          = 0
  tags                         = var.tags

  manual_trigger_config {
    parallelism              = 1
    replica_completion_count = 1
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.service[each.key].id]
  }

  dynamic "registry" {
    for_each = var.container_registry == null ? [] : [var.container_registry]
    content {
      server   = registry.value.server
      identity = azurerm_user_assigned_identity.service[each.key].id
    }
  }

  dynamic "secret" {
    for_each = var.services[each.key].secrets
    content {
      name                = local.secret_names[each.key][secret.key]
      identity            = azurerm_user_assigned_identity.service[each.key].id
      key_vault_secret_id = secret.value
    }
  }

  template {
    container {
      name    = "migrate"
      image   = each.value.image
      cpu     = var.services[each.key].cpu
      memory  = var.services[each.key].memory
      command = each.value.command

      dynamic "env" {
        for_each = var.services[each.key].environment
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.services[each.key].secrets
        content {
          name        = env.key
          secret_name = local.secret_names[each.key][env.key]
        }
      }
    }
  }

  lifecycle {
    # The pipeline sets the release's migration image before it starts the job.
    ignore_changes = [template[0].container[0].image]
  }

  depends_on = [azurerm_role_assignment.service_pulls_images, azurerm_role_assignment.service_reads_secret]
}

# The pipeline's deploy identity may change the apps and jobs of this environment, and nothing else.
resource "azurerm_role_assignment" "deploy_apps" {
  for_each             = { for key, target in azurerm_container_app.service : key => target.id if var.deploy_principal_id != null }
  scope                = each.value
  role_definition_name = "Contributor"
  principal_id         = var.deploy_principal_id
}

# Updating an app or a job hands it its identity again, which takes assign rights on that identity.
resource "azurerm_role_assignment" "deploy_assigns_identities" {
  for_each             = { for key, target in azurerm_user_assigned_identity.service : key => target.id if var.deploy_principal_id != null }
  scope                = each.value
  role_definition_name = "Managed Identity Operator"
  principal_id         = var.deploy_principal_id
}

resource "azurerm_role_assignment" "deploy_jobs" {
  for_each             = { for key, target in azurerm_container_app_job.migration : key => target.id if var.deploy_principal_id != null }
  scope                = each.value
  role_definition_name = "Contributor"
  principal_id         = var.deploy_principal_id
}

resource "azurerm_monitor_diagnostic_setting" "environment" {
  name                       = "log-analytics"
  target_resource_id         = azurerm_container_app_environment.main.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}
