# The services on Cloud Run: one service per web or API workload (a worker pool for a worker without a port),
# each with its own service account, direct VPC egress through the private subnet, in-memory volumes for the
# paths it writes, and its secret settings from Secret Manager; one job per migration. Public services accept
# traffic from the HTTPS load balancer only (ingress internal-and-cloud-load-balancing); the others from the VPC
# only. The pipeline deploys new images with `gcloud run deploy` / `gcloud run jobs deploy`: Terraform ignores
# the image, revision and traffic it sets.

locals {
  web       = { for name, service in var.services : name => service if service.port != null }
  workers   = { for name, service in var.services : name => service if service.port == null }
  migrating = { for name, service in var.services : name => service if service.migration != null }

  # The secret settings each runtime service account may read: its own, nothing else.
  secret_readers = merge([
    for name, service in var.services : {
      for key in service.secret_keys : "${name}/${key}" => { service = name, secret = var.secret_ids["${name}/${key}"] }
    }
  ]...)
}

resource "google_service_account" "service" {
  for_each     = var.services
  project      = var.project_id
  # Account ids stop at 30 characters: a longer name keeps the service's and a hash that tells them apart.
  account_id   = length("${var.name}-${each.key}") <= 30 ? "${var.name}-${each.key}" : "${trimsuffix(substr(each.key, 0, 21), "-")}-${substr(sha1(each.key), 0, 8)}"
  display_name = "Cloud Run service ${each.value.workload}"
}

resource "google_secret_manager_secret_iam_member" "service" {
  for_each  = local.secret_readers
  project   = var.project_id
  secret_id = each.value.secret
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.service[each.value.service].member
}

resource "google_project_iam_member" "telemetry" {
  for_each = { for pair in setproduct(keys(var.services), ["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/cloudtrace.agent"]) : "${pair[0]} ${pair[1]}" => { service = pair[0], role = pair[1] } }
  project  = var.project_id
  role     = each.value.role
  member   = google_service_account.service[each.value.service].member
}

resource "google_cloud_run_v2_service" "service" {
  for_each            = local.web
  project             = var.project_id
  name                = each.value.workload
  location            = var.region
  deletion_protection = var.deletion_protection
  ingress             = each.value.public ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_INTERNAL_ONLY"
  labels              = merge(var.labels, { service = each.key })

  # Ingress restricts who can connect (the load balancer, the VPC), so requests carry no Google identity token.
  invoker_iam_disabled = true

  template {
    service_account                  = google_service_account.service[each.key].email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    max_instance_request_concurrency = 80
    labels                           = merge(var.labels, { service = each.key })

    scaling {
      min_instance_count = each.value.min_instances
      max_instance_count = each.value.max_instances
    }

    vpc_access {
      egress = "ALL_TRAFFIC"

      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnetwork_id
      }
    }

    containers {
      name    = each.key
      image   = each.value.image
      command = each.value.command

      ports {
        container_port = each.value.port
      }

      resources {
        limits = {
          cpu    = each.value.cpu
          memory = each.value.memory
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = each.value.environment
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = toset(each.value.secret_keys)
        content {
          name = env.value
          value_source {
            secret_key_ref {
              secret  = var.secret_ids["${each.key}/${env.value}"]
              version = "latest"
            }
          }
        }
      }

      dynamic "volume_mounts" {
        for_each = each.value.writable_paths
        content {
          name       = "writable-${volume_mounts.key}"
          mount_path = volume_mounts.value
        }
      }

      dynamic "startup_probe" {
        for_each = each.value.health_path == null ? [] : [each.value.health_path]
        content {
          period_seconds    = 5
          failure_threshold = 24
          http_get {
            path = startup_probe.value
            port = each.value.port
          }
        }
      }

      dynamic "liveness_probe" {
        for_each = each.value.health_path == null ? [] : [each.value.health_path]
        content {
          period_seconds    = 15
          failure_threshold = 3
          http_get {
            path = liveness_probe.value
            port = each.value.port
          }
        }
      }
    }

    dynamic "volumes" {
      for_each = each.value.writable_paths
      content {
        name = "writable-${volumes.key}"
        empty_dir {
          medium     = "MEMORY"
          size_limit = "256Mi"
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [template[0].containers[0].image, template[0].revision, traffic, client, client_version]
  }

  depends_on = [google_secret_manager_secret_iam_member.service]
}

resource "google_cloud_run_v2_worker_pool" "worker" {
  for_each            = local.workers
  project             = var.project_id
  name                = each.value.workload
  location            = var.region
  deletion_protection = var.deletion_protection
  launch_stage        = "BETA"
  labels              = merge(var.labels, { service = each.key })

  scaling {
    manual_instance_count = each.value.min_instances
  }

  template {
    service_account = google_service_account.service[each.key].email
    labels          = merge(var.labels, { service = each.key })

    vpc_access {
      egress = "ALL_TRAFFIC"

      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnetwork_id
      }
    }

    containers {
      name    = each.key
      image   = each.value.image
      command = each.value.command

      resources {
        limits = {
          cpu    = each.value.cpu
          memory = each.value.memory
        }
      }

      dynamic "env" {
        for_each = each.value.environment
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = toset(each.value.secret_keys)
        content {
          name = env.value
          value_source {
            secret_key_ref {
              secret  = var.secret_ids["${each.key}/${env.value}"]
              version = "latest"
            }
          }
        }
      }

      dynamic "volume_mounts" {
        for_each = each.value.writable_paths
        content {
          name       = "writable-${volume_mounts.key}"
          mount_path = volume_mounts.value
        }
      }
    }

    dynamic "volumes" {
      for_each = each.value.writable_paths
      content {
        name = "writable-${volumes.key}"
        empty_dir {
          medium     = "MEMORY"
          size_limit = "256Mi"
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [template[0].containers[0].image, template[0].revision, client, client_version]
  }

  depends_on = [google_secret_manager_secret_iam_member.service]
}

# Migrations run as a job before each deploy (`gcloud run jobs deploy ... --execute-now --wait`), once, with
# the service's identity and secrets.
resource "google_cloud_run_v2_job" "migration" {
  for_each            = local.migrating
  project             = var.project_id
  name                = each.value.migration.name
  location            = var.region
  deletion_protection = var.deletion_protection
  labels              = merge(var.labels, { service = each.key })

  template {
    task_count = 1
    labels     = merge(var.labels, { service = each.key })

    template {
      service_account = google_service_account.service[each.key].email
      max_retries     = 0
      timeout         = "1800s"

      vpc_access {
        egress = "ALL_TRAFFIC"

        network_interfaces {
          network    = var.network_id
          subnetwork = var.subnetwork_id
        }
      }

      containers {
        name    = "migrate"
        image   = each.value.migration.image
        command = each.value.migration.command

        resources {
          limits = {
            cpu    = each.value.cpu
            memory = each.value.memory
          }
        }

        dynamic "env" {
          for_each = each.value.environment
          content {
            name  = env.key
            value = env.value
          }
        }

        dynamic "env" {
          for_each = toset(each.value.secret_keys)
          content {
            name = env.value
            value_source {
              secret_key_ref {
                secret  = var.secret_ids["${each.key}/${env.value}"]
                version = "latest"
              }
            }
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [template[0].template[0].containers[0].image, client, client_version]
  }

  depends_on = [google_secret_manager_secret_iam_member.service]
}
