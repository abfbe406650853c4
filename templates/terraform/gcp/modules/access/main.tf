# What the pipeline's deploy service account of this environment (created by infra/bootstrap) may do in the
# environment's project, and who may pull the images. Least privilege: on GKE it may find the cluster and
# fetch credentials (what it may change inside is Kubernetes RBAC, bound to its e-mail in the application's
# namespace); on Cloud Run it may deploy this project's services and run its migration jobs, acting as their
# service accounts; with a database, it may take the pre-deploy backup.

resource "google_project_iam_member" "cluster_viewer" {
  count   = var.deploy_service_account != null && var.cluster ? 1 : 0
  project = var.project_id
  role    = "roles/container.clusterViewer"
  member  = "serviceAccount:${var.deploy_service_account}"
}

# Describing services and listing revisions (the rollback step) are project-level reads.
resource "google_project_iam_member" "run_viewer" {
  count   = var.deploy_service_account != null && length(var.cloud_run_services) > 0 ? 1 : 0
  project = var.project_id
  role    = "roles/run.viewer"
  member  = "serviceAccount:${var.deploy_service_account}"
}

resource "google_cloud_run_v2_service_iam_member" "deploy" {
  for_each = var.deploy_service_account == null ? {} : var.cloud_run_services
  project  = var.project_id
  location = var.region
  name     = each.value
  role     = "roles/run.developer"
  member   = "serviceAccount:${var.deploy_service_account}"
}

resource "google_cloud_run_v2_job_iam_member" "deploy" {
  for_each = var.deploy_service_account == null ? {} : var.migration_jobs
  project  = var.project_id
  location = var.region
  name     = each.value
  role     = "roles/run.developer"
  member   = "serviceAccount:${var.deploy_service_account}"
}

# A new revision runs as the service's own service account: deploying one means acting as it.
resource "google_service_account_iam_member" "deploy_acts_as" {
  for_each           = var.deploy_service_account == null ? {} : var.runtime_service_accounts
  service_account_id = "projects/${var.project_id}/serviceAccounts/${each.value}"
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${var.deploy_service_account}"
}

resource "google_project_iam_custom_role" "backup" {
  count       = var.deploy_service_account != null && var.database_instance != null ? 1 : 0
  project     = var.project_id
  role_id     = "${replace(var.name, "-", "_")}_predeploy_backup"
  title       = "Pre-deploy backup of ${var.name}"
  description = "Take and read an on-demand Cloud SQL backup before a deploy."
  permissions = ["cloudsql.backupRuns.create", "cloudsql.backupRuns.get", "cloudsql.backupRuns.list", "cloudsql.instances.get"]
}

resource "google_project_iam_member" "backup" {
  count   = var.deploy_service_account != null && var.database_instance != null ? 1 : 0
  project = var.project_id
  role    = google_project_iam_custom_role.backup[0].id
  member  = "serviceAccount:${var.deploy_service_account}"

  condition {
    title      = "only-${var.database_instance}"
    expression = "resource.name.startsWith(\"projects/${var.project_id}/instances/${var.database_instance}\")"
  }
}

# Image pulls from the Artifact Registry project infra/bootstrap created the repositories in.
resource "google_project_iam_member" "image_pull" {
  for_each = var.registry_project_id == null ? {} : var.image_pullers
  project  = var.registry_project_id
  role     = "roles/artifactregistry.reader"
  member   = each.value
}
