# The global external Application Load Balancer: one address, a Google-managed certificate for every host,
# HTTPS only (TLS 1.2 or later; plain HTTP is redirected), the public Cloud Run services behind serverless
# network endpoint groups or, on GKE, the ingress controller behind its standalone zonal network endpoint
# groups, both with a Cloud Armor policy (preconfigured WAF rules and a per-client rate limit), and the static
# assets' backend bucket.

locals {
  ingress_hosts = var.kubernetes_ingress == null ? [] : var.kubernetes_ingress.hosts
  hosts         = distinct(concat([for route in values(var.routes) : route.host], local.ingress_hosts, [var.assets_host]))

  # The hosts a service answers at `/`: the front ends' (and, without a front end, the API's).
  service_hosts = [for route in values(var.routes) : route.host if route.path == "/"]

  # Per host: what answers `/` (its service, else the ingress controller for a Kubernetes host, else the assets)
  # and the services answering a path prefix (`/api`); the ingress controller routes paths itself.
  # A prefixed service answers on its own host and on every host a front end serves, so each front end calls
  # the API on its own origin: the front ends' nginx proxies nothing here (API_UPSTREAM=off).
  matchers = {
    for host in local.hosts : host => {
      name     = replace(host, ".", "-")
      fallback = coalesce(
        one([for service, route in var.routes : google_compute_backend_service.service[service].id if route.host == host && route.path == "/"]),
        contains(local.ingress_hosts, host) ? one(google_compute_backend_service.ingress[*].id) : null,
        var.assets_backend_bucket_id,
      )
      prefixes = { for service, route in var.routes : service => route.path if route.path != "/" && (route.host == host || contains(local.service_hosts, host)) }
    }
  }
}

resource "google_compute_global_address" "edge" {
  project = var.project_id
  name    = var.name
  labels  = var.labels
}

resource "google_compute_managed_ssl_certificate" "edge" {
  project = var.project_id
  # A certificate's domains cannot change: a new one (named after its domains) replaces it.
  name = "${var.name}-${substr(sha1(join(",", local.hosts)), 0, 8)}"

  managed {
    domains = local.hosts
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_ssl_policy" "edge" {
  project         = var.project_id
  name            = var.name
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_security_policy" "edge" {
  count   = length(var.routes) > 0 || var.kubernetes_ingress != null ? 1 : 0
  project = var.project_id
  name    = var.name
  type    = "CLOUD_ARMOR"

  dynamic "rule" {
    for_each = var.waf_rules
    content {
      action      = "deny(403)"
      priority    = 1000 + rule.key
      description = "Preconfigured WAF rule ${rule.value}"
      match {
        expr {
          expression = "evaluatePreconfiguredWaf('${rule.value}', {'sensitivity': 1})"
        }
      }
    }
  }

  rule {
    action      = "throttle"
    priority    = 2000
    description = "At most ${var.requests_per_minute} requests a minute from one client address"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"
      rate_limit_threshold {
        count        = var.requests_per_minute
        interval_sec = 60
      }
    }
  }

  rule {
    action      = "allow"
    priority    = 2147483647
    description = "Everything the rules above let through"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }

  advanced_options_config {
    json_parsing = "STANDARD"
    log_level    = "NORMAL"
  }

  adaptive_protection_config {
    layer_7_ddos_defense_config {
      enable = true
    }
  }
}

resource "google_compute_region_network_endpoint_group" "service" {
  for_each              = var.routes
  project               = var.project_id
  name                  = "${var.name}-${each.key}"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = each.value.cloud_run_service
  }
}

resource "google_compute_backend_service" "service" {
  for_each              = var.routes
  project               = var.project_id
  name                  = "${var.name}-${each.key}"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  security_policy       = google_compute_security_policy.edge[0].id

  backend {
    group = google_compute_region_network_endpoint_group.service[each.key].id
  }

  log_config {
    enable      = true
    sample_rate = 1
  }
}

# GKE: the ingress controller's pods, straight from its network endpoint groups (one per zone, which the GKE
# NEG controller keeps current), over plain HTTP inside the VPC (Google encrypts traffic between its front
# ends and the VPC). Its default server answers /healthz on the serving port.
resource "google_compute_health_check" "ingress" {
  count   = var.kubernetes_ingress == null ? 0 : 1
  project = var.project_id
  name    = "${var.name}-ingress"

  http_health_check {
    port_specification = "USE_SERVING_PORT"
    request_path       = "/healthz"
  }

  log_config {
    enable = true
  }
}

resource "google_compute_backend_service" "ingress" {
  count                 = var.kubernetes_ingress == null ? 0 : 1
  project               = var.project_id
  name                  = "${var.name}-ingress"
  protocol              = "HTTP"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  security_policy       = google_compute_security_policy.edge[0].id
  health_checks         = [google_compute_health_check.ingress[0].id]

  # The ingress controller sees plain HTTP, so it sends no HSTS itself: the edge does.
  custom_response_headers = ["Strict-Transport-Security: max-age=31536000; includeSubDomains"]

  dynamic "backend" {
    for_each = toset(var.kubernetes_ingress.network_endpoint_groups)
    content {
      group                 = backend.value
      balancing_mode        = "RATE"
      max_rate_per_endpoint = var.kubernetes_ingress.max_rate_per_endpoint
    }
  }

  # Each request with Cloud Armor's verdict (the WAF's log) goes to Cloud Logging.
  log_config {
    enable      = true
    sample_rate = 1
  }
}

resource "google_compute_url_map" "https" {
  project         = var.project_id
  name            = "${var.name}-https"
  default_service = var.assets_backend_bucket_id

  dynamic "host_rule" {
    for_each = local.matchers
    content {
      hosts        = [host_rule.key]
      path_matcher = host_rule.value.name
    }
  }

  dynamic "path_matcher" {
    for_each = local.matchers
    content {
      name            = path_matcher.value.name
      default_service = path_matcher.value.fallback

      dynamic "path_rule" {
        for_each = path_matcher.value.prefixes
        content {
          paths   = [path_rule.value, "${path_rule.value}/*"]
          service = google_compute_backend_service.service[path_rule.key].id
        }
      }
    }
  }
}

resource "google_compute_target_https_proxy" "edge" {
  project          = var.project_id
  name             = var.name
  url_map          = google_compute_url_map.https.id
  ssl_certificates = [google_compute_managed_ssl_certificate.edge.id]
  ssl_policy       = google_compute_ssl_policy.edge.id
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project_id
  name                  = "${var.name}-https"
  ip_address            = google_compute_global_address.edge.id
  port_range            = "443"
  target                = google_compute_target_https_proxy.edge.id
  load_balancing_scheme = "EXTERNAL_MANAGED"
  labels                = var.labels
}

resource "google_compute_url_map" "http" {
  project = var.project_id
  name    = "${var.name}-http"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  project = var.project_id
  name    = "${var.name}-http"
  url_map = google_compute_url_map.http.id
}

resource "google_compute_global_forwarding_rule" "http" {
  project               = var.project_id
  name                  = "${var.name}-http"
  ip_address            = google_compute_global_address.edge.id
  port_range            = "80"
  target                = google_compute_target_http_proxy.redirect.id
  load_balancing_scheme = "EXTERNAL_MANAGED"
  labels                = var.labels
}
