# The environment's Google Cloud project: the APIs the other modules call, and how long Cloud Logging keeps
# the project's logs (its _Default bucket, where every log lands unless routed elsewhere).

resource "google_project_service" "api" {
  for_each = toset(var.apis)
  project  = var.project_id
  service  = each.value

  # Turning an API off on destroy would break anything else in the project that uses it.
  disable_on_destroy = false
}

resource "google_logging_project_bucket_config" "default" {
  project        = var.project_id
  location       = "global"
  bucket_id      = "_Default"
  retention_days = var.log_retention_days
}

data "google_project" "this" {
  project_id = var.project_id
}
