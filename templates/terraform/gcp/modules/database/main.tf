# A Cloud SQL instance (PostgreSQL or MySQL) on a private address only (private services access): TLS required,
# daily backups with point-in-time recovery (write-ahead logs for PostgreSQL, the binary log for MySQL), a
# standby in another zone when regional, deletion protection, Query Insights and a maintenance window. The
# application's user gets its password write-only: it never reaches the plan or the state.

locals {
  postgres = startswith(var.database_version, "POSTGRES")

  # Connections, checkpoints and lock waits in the logs (PostgreSQL); MySQL's slow query log goes to Cloud Logging.
  flags = local.postgres ? tomap({
    log_checkpoints            = "on"
    log_connections            = "on"
    log_disconnections         = "on"
    log_lock_waits             = "on"
    log_temp_files             = "0"
    log_min_duration_statement = "1000"
    }) : tomap({
    slow_query_log  = "on"
    long_query_time = "1"
    log_output      = "FILE"
  })
}

# trivy checks require_ssl, which the google provider removed in 6.0; ssl_mode = "ENCRYPTED_ONLY" below is its
# successor (an accepted trivy finding).
#trivy:ignore:AVD-GCP-0015
resource "google_sql_database_instance" "main" {
  project             = var.project_id
  name                = var.name
  region              = var.region
  database_version    = var.database_version
  deletion_protection = var.deletion_protection

  settings {
    tier                        = var.tier
    edition                     = "ENTERPRISE"
    availability_type           = var.high_availability ? "REGIONAL" : "ZONAL"
    disk_type                   = "PD_SSD"
    disk_autoresize             = true
    deletion_protection_enabled = var.deletion_protection
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      allocated_ip_range                            = var.private_services_range
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = false
    }

    backup_configuration {
      enabled                        = true
      start_time                     = "02:00"
      point_in_time_recovery_enabled = local.postgres ? true : null
      binary_log_enabled             = local.postgres ? null : true
      transaction_log_retention_days = min(var.backup_retention_days, 7)

      backup_retention_settings {
        retained_backups = var.backup_retention_days
        retention_unit   = "COUNT"
      }
    }

    insights_config {
      query_insights_enabled  = true
      query_string_length     = 1024
      record_application_tags = true
      record_client_address   = false
    }

    maintenance_window {
      day          = 7
      hour         = 3
      update_track = "stable"
    }

    dynamic "database_flags" {
      for_each = local.flags
      content {
        name  = database_flags.key
        value = database_flags.value
      }
    }
  }
}

resource "google_sql_database" "application" {
  project  = var.project_id
  name     = var.database_name
  instance = google_sql_database_instance.main.name
}

resource "google_sql_user" "application" {
  project             = var.project_id
  name                = var.username
  instance            = google_sql_database_instance.main.name
  password_wo         = var.password
  password_wo_version = var.password_version
}
