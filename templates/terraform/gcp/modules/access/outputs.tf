output "deploy_roles" {
  description = "Project-level roles the deploy service account holds in the environment."
  value = concat(
    google_project_iam_member.cluster_viewer[*].role,
    google_project_iam_member.run_viewer[*].role,
    google_project_iam_member.backup[*].role,
  )
}
