# A Memorystore for Redis instance on a private address (private services access): AUTH required, TLS with
# server authentication, a replica in another zone with automatic failover on the STANDARD_HA tier, RDB
# snapshots, and a maintenance window. Memorystore generates the AUTH string itself, so the provider keeps it
# in the Terraform state (sensitive): the state bucket's access is that secret's access.

resource "google_redis_instance" "main" {
  project                 = var.project_id
  name                    = var.name
  region                  = var.region
  tier                    = var.high_availability ? "STANDARD_HA" : "BASIC"
  memory_size_gb          = var.memory_size_gb
  redis_version           = var.redis_version
  authorized_network      = var.network_id
  connect_mode            = "PRIVATE_SERVICE_ACCESS"
  reserved_ip_range       = var.private_services_range
  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"
  replica_count           = var.high_availability ? 1 : null
  read_replicas_mode      = var.high_availability ? "READ_REPLICAS_ENABLED" : null
  labels                  = var.labels

  redis_configs = {
    maxmemory-policy = "volatile-lru"
  }

  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "TWELVE_HOURS"
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = "SUNDAY"
      start_time {
        hours   = 3
        minutes = 0
      }
    }
  }
}
