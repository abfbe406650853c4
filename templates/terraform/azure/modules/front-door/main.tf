# The environment's public entry: Azure Front Door Premium with a WAF policy in prevention mode (Microsoft's
# default and bot manager rule sets, which only Premium runs, plus a rate limit), managed TLS certificates for
# every custom domain, and its origins: over private link, the assets storage account (static files at
# assets.<host>, cached at the edge) and, without Kubernetes, the Container Apps environment; on AKS, the ingress
# controller's static public address, which admits only Front Door's back end and this profile's X-Azure-FDID.
# Each private link connection waits for one approval on its target after the first apply
# (docs/infrastructure.md): `az network private-endpoint-connection list --id <target id>`, then
# `... approve --id <connection id>`.

locals {
  relative_name = { for host in var.hosts : host => host == var.dns_zone_name ? "@" : trimsuffix(host, ".${var.dns_zone_name}") }
  domain_key    = { for host in var.hosts : host => replace(host, ".", "-") }
  # The custom domains of each app route: its own host; for a service on a path prefix (the API at /api), also
  # every host a front end serves at `/`, so each front end calls the API on its own origin and their nginx
  # proxies nothing (API_UPSTREAM=off).
  route_hosts = {
    for name, route in var.app_routes : name => route.path == "/" ? [route.host] : distinct(concat([route.host], [for other in values(var.app_routes) : other.host if other.path == "/"]))
  }
}

data "azurerm_dns_zone" "main" {
  name                = var.dns_zone_name
  resource_group_name = var.dns_zone_resource_group_name
}

resource "azurerm_storage_account" "assets" {
  name                              = var.storage_account_name
  location                          = var.location
  resource_group_name               = var.resource_group_name
  account_tier                      = "Standard"
  account_kind                      = "StorageV2"
  account_replication_type          = var.production ? "ZRS" : "LRS"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  public_network_access_enabled     = false
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  infrastructure_encryption_enabled = true
  cross_tenant_replication_enabled  = false
  tags                              = var.tags

  blob_properties {
    versioning_enabled = true

    delete_retention_policy {
      days = var.soft_delete_days
    }

    container_delete_retention_policy {
      days = var.soft_delete_days
    }
  }

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }
}

resource "azurerm_storage_container" "assets" {
  name                  = "assets"
  storage_account_id    = azurerm_storage_account.assets.id
  container_access_type = "private"
}

resource "azurerm_cdn_frontdoor_profile" "main" {
  name                     = var.name
  resource_group_name      = var.resource_group_name
  sku_name                 = "Premium_AzureFrontDoor"
  response_timeout_seconds = 60
  tags                     = var.tags
}

resource "azurerm_cdn_frontdoor_endpoint" "main" {
  name                     = var.name
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.main.id
  tags                     = var.tags
}

resource "azurerm_cdn_frontdoor_custom_domain" "host" {
  for_each                 = local.domain_key
  name                     = each.value
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.main.id
  dns_zone_id              = data.azurerm_dns_zone.main.id
  host_name                = each.key

  tls {
    certificate_type = "ManagedCertificate"
  }
}

# Front Door proves each domain is ours with a TXT record, then serves it through a CNAME (an alias A record
# at the zone apex, where a CNAME cannot be).
resource "azurerm_dns_txt_record" "validation" {
  for_each            = local.relative_name
  name                = each.value == "@" ? "_dnsauth" : "_dnsauth.${each.value}"
  zone_name           = data.azurerm_dns_zone.main.name
  resource_group_name = var.dns_zone_resource_group_name
  ttl                 = 3600
  tags                = var.tags

  record {
    value = azurerm_cdn_frontdoor_custom_domain.host[each.key].validation_token
  }
}

resource "azurerm_dns_cname_record" "host" {
  for_each            = { for host, name in local.relative_name : host => name if name != "@" }
  name                = each.value
  zone_name           = data.azurerm_dns_zone.main.name
  resource_group_name = var.dns_zone_resource_group_name
  ttl                 = 3600
  record              = azurerm_cdn_frontdoor_endpoint.main.host_name
  tags                = var.tags
}

resource "azurerm_dns_a_record" "apex" {
  for_each            = { for host, name in local.relative_name : host => name if name == "@" }
  name                = "@"
  zone_name           = data.azurerm_dns_zone.main.name
  resource_group_name = var.dns_zone_resource_group_name
  ttl                 = 3600
  target_resource_id  = azurerm_cdn_frontdoor_endpoint.main.id
  tags                = var.tags
}

resource "azurerm_cdn_frontdoor_origin_group" "assets" {
  name                     = "assets"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.main.id

  load_balancing {}
}

resource "azurerm_cdn_frontdoor_origin" "assets" {
  name                           = "assets"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.assets.id
  host_name                      = azurerm_storage_account.assets.primary_blob_host
  origin_host_header             = azurerm_storage_account.assets.primary_blob_host
  certificate_name_check_enabled = true

  private_link {
    private_link_target_id = azurerm_storage_account.assets.id
    target_type            = "blob"
    location               = var.location
    request_message        = "Front Door ${var.name} serves the assets"
  }
}

resource "azurerm_cdn_frontdoor_route" "assets" {
  name                            = "assets"
  cdn_frontdoor_endpoint_id       = azurerm_cdn_frontdoor_endpoint.main.id
  cdn_frontdoor_origin_group_id   = azurerm_cdn_frontdoor_origin_group.assets.id
  cdn_frontdoor_origin_ids        = [azurerm_cdn_frontdoor_origin.assets.id]
  cdn_frontdoor_custom_domain_ids = [azurerm_cdn_frontdoor_custom_domain.host[var.assets_host].id]
  cdn_frontdoor_origin_path       = "/${azurerm_storage_container.assets.name}"
  patterns_to_match               = ["/*"]
  supported_protocols             = ["Http", "Https"]
  https_redirect_enabled          = true
  forwarding_protocol             = "HttpsOnly"
  link_to_default_domain          = false

  cache {
    query_string_caching_behavior = "IgnoreQueryString"
    compression_enabled           = true
    content_types_to_compress     = ["application/javascript", "application/json", "image/svg+xml", "text/css", "text/html", "text/plain"]
  }
}

# The public services of a Container Apps environment, each on its host and path prefix.
resource "azurerm_cdn_frontdoor_origin_group" "app" {
  for_each                 = var.app_routes
  name                     = each.key
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.main.id

  load_balancing {}

  health_probe {
    protocol            = "Https"
    path                = each.value.health_path
    request_type        = "GET"
    interval_in_seconds = 30
  }
}

resource "azurerm_cdn_frontdoor_origin" "app" {
  for_each                       = var.app_routes
  name                           = each.key
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.app[each.key].id
  host_name                      = each.value.origin_host
  origin_host_header             = each.value.origin_host
  certificate_name_check_enabled = true

  private_link {
    private_link_target_id = var.container_apps_environment_id
    target_type            = "managedEnvironments"
    location               = var.location
    request_message        = "Front Door ${var.name} serves ${each.key}"
  }
}

resource "azurerm_cdn_frontdoor_route" "app" {
  for_each                        = var.app_routes
  name                            = each.key
  cdn_frontdoor_endpoint_id       = azurerm_cdn_frontdoor_endpoint.main.id
  cdn_frontdoor_origin_group_id   = azurerm_cdn_frontdoor_origin_group.app[each.key].id
  cdn_frontdoor_origin_ids        = [azurerm_cdn_frontdoor_origin.app[each.key].id]
  cdn_frontdoor_custom_domain_ids = [for host in local.route_hosts[each.key] : azurerm_cdn_frontdoor_custom_domain.host[host].id]
  patterns_to_match               = each.value.path == "/" ? ["/*"] : [each.value.path, "${each.value.path}/*"]
  supported_protocols             = ["Http", "Https"]
  https_redirect_enabled          = true
  forwarding_protocol             = "HttpsOnly"
  link_to_default_domain          = false
}

# On AKS, every host of the application goes to the NGINX ingress controller, which routes by host and path
# itself. No origin host header is set, so the request's own host is forwarded and sent as the TLS server name:
# the controller answers with that host's cert-manager certificate, which Front Door checks. One origin: no
# health probes (Front Door's advice for a single origin).
resource "azurerm_cdn_frontdoor_origin_group" "ingress" {
  count                    = length(var.ingress_hosts) > 0 ? 1 : 0
  name                     = "ingress"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.main.id

  load_balancing {}
}

resource "azurerm_cdn_frontdoor_origin" "ingress" {
  count                          = length(var.ingress_hosts) > 0 ? 1 : 0
  name                           = "ingress"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.ingress[0].id
  host_name                      = var.ingress_address
  http_port                      = 80
  https_port                     = 443
  certificate_name_check_enabled = true
}

resource "azurerm_cdn_frontdoor_route" "ingress" {
  count                           = length(var.ingress_hosts) > 0 ? 1 : 0
  name                            = "ingress"
  cdn_frontdoor_endpoint_id       = azurerm_cdn_frontdoor_endpoint.main.id
  cdn_frontdoor_origin_group_id   = azurerm_cdn_frontdoor_origin_group.ingress[0].id
  cdn_frontdoor_origin_ids        = [azurerm_cdn_frontdoor_origin.ingress[0].id]
  cdn_frontdoor_custom_domain_ids = [for host in var.ingress_hosts : azurerm_cdn_frontdoor_custom_domain.host[host].id]
  patterns_to_match               = ["/*"]
  supported_protocols             = ["Http", "Https"]
  https_redirect_enabled          = true
  forwarding_protocol             = "HttpsOnly"
  link_to_default_domain          = false
}

# cert-manager's HTTP-01 challenges reach the controller over plain HTTP, unredirected: the controller has no
# valid certificate before its first one, so Front Door's HTTPS connection (which checks it) would fail. The
# more specific path wins over the route above; the WAF still inspects these requests.
resource "azurerm_cdn_frontdoor_route" "acme_challenge" {
  count                           = length(var.ingress_hosts) > 0 ? 1 : 0
  name                            = "acme-challenge"
  cdn_frontdoor_endpoint_id       = azurerm_cdn_frontdoor_endpoint.main.id
  cdn_frontdoor_origin_group_id   = azurerm_cdn_frontdoor_origin_group.ingress[0].id
  cdn_frontdoor_origin_ids        = [azurerm_cdn_frontdoor_origin.ingress[0].id]
  cdn_frontdoor_custom_domain_ids = [for host in var.ingress_hosts : azurerm_cdn_frontdoor_custom_domain.host[host].id]
  patterns_to_match               = ["/.well-known/acme-challenge/*"]
  supported_protocols             = ["Http"]
  https_redirect_enabled          = false
  forwarding_protocol             = "HttpOnly"
  link_to_default_domain          = false
}

resource "azurerm_cdn_frontdoor_firewall_policy" "main" {
  name                              = replace(var.name, "-", "")
  resource_group_name               = var.resource_group_name
  sku_name                          = azurerm_cdn_frontdoor_profile.main.sku_name
  mode                              = "Prevention"
  enabled                           = true
  request_body_check_enabled        = true
  custom_block_response_status_code = 403
  tags                              = var.tags

  custom_rule {
    name                           = "RateLimitPerAddress"
    type                           = "RateLimitRule"
    action                         = "Block"
    priority                       = 100
    rate_limit_duration_in_minutes = 1
    rate_limit_threshold           = var.rate_limit_per_minute

    match_condition {
      match_variable = "RemoteAddr"
      operator       = "IPMatch"
      # Every IPv4 and IPv6 address: the limit applies to each client address separately.
      match_values = ["0.0.0.0/0", "::/0"]
    }
  }

  managed_rule {
    type    = "Microsoft_DefaultRuleSet"
    version = "2.1"
    action  = "Block"
  }

  managed_rule {
    type    = "Microsoft_BotManagerRuleSet"
    version = "1.1"
    action  = "Block"
  }
}

resource "azurerm_cdn_frontdoor_security_policy" "main" {
  name                     = "waf"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.main.id

  security_policies {
    firewall {
      cdn_frontdoor_firewall_policy_id = azurerm_cdn_frontdoor_firewall_policy.main.id

      association {
        patterns_to_match = ["/*"]

        dynamic "domain" {
          for_each = azurerm_cdn_frontdoor_custom_domain.host
          content {
            cdn_frontdoor_domain_id = domain.value.id
          }
        }

        domain {
          cdn_frontdoor_domain_id = azurerm_cdn_frontdoor_endpoint.main.id
        }
      }
    }
  }
}

resource "azurerm_monitor_diagnostic_setting" "front_door" {
  name                       = "log-analytics"
  target_resource_id         = azurerm_cdn_frontdoor_profile.main.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_diagnostic_setting" "assets" {
  name                       = "log-analytics"
  target_resource_id         = "${azurerm_storage_account.assets.id}/blobServices/default"
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "Transaction"
  }
}
