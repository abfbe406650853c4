# Secret Manager secrets of the services' secret settings, replicated in the environment's region only, in
# one of two layouts because their readers differ. With one_secret_per_setting = false, one secret per service
# (`<project>-<environment>-<service>`) holds a JSON object keyed by setting name, which the External Secrets
# Operator turns into a Kubernetes Secret. With true, each setting is its own secret
# (`<project>-<environment>-<service>-<SETTING>`), because Cloud Run hands an environment variable a whole
# secret version and cannot pick a key out of JSON. The first value is written write-only (never in the
# Terraform state): datastore connections, and a random value for each of the application's own secrets until
# someone adds a version with the real one.

locals {
  secrets = var.one_secret_per_setting ? tomap(merge([
    for service, entry in var.entries : {
      for key in entry.keys : "${service}/${key}" => { service = service, key = key, name = "${entry.name}-${key}" }
    }
    ]...)) : tomap({
    for service, entry in var.entries : service => { service = service, key = null, name = entry.name }
  })
}

resource "google_secret_manager_secret" "setting" {
  for_each            = local.secrets
  project             = var.project_id
  secret_id           = each.value.name
  labels              = merge(var.labels, { service = each.value.service })
  version_destroy_ttl = "${var.recovery_days * 86400}s"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}

resource "google_secret_manager_secret_version" "initial" {
  for_each               = local.secrets
  secret                 = google_secret_manager_secret.setting[each.key].id
  secret_data_wo         = each.value.key == null ? jsonencode(var.values[each.value.service]) : var.values[each.value.service][each.value.key]
  secret_data_wo_version = var.values_version

  # Later versions (the real secrets, rotations) are added outside Terraform; this one is only disabled.
  deletion_policy = "DISABLE"
}

# Whoever reads every entry (the External Secrets Operator's Kubernetes service account, on GKE).
resource "google_secret_manager_secret_iam_member" "reader" {
  for_each = { for pair in setproduct(keys(local.secrets), keys(var.readers)) : "${pair[0]} ${pair[1]}" => { secret = pair[0], member = var.readers[pair[1]] } }

  project   = var.project_id
  secret_id = google_secret_manager_secret.setting[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}
