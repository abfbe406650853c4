# One Secrets Manager entry per service and environment (`<project>-<environment>-<service>`), a JSON object
# keyed by setting name: the External Secrets Operator (Kubernetes) or the ECS task reads it. The first
# value is written once, write-only (never in the Terraform state): datastore connections from the
# database and cache modules, and a random value for each of the application's own secrets until someone
# stores the real one.

resource "aws_secretsmanager_secret" "service" {
  for_each                = var.entries
  name                    = each.value.name
  description             = "Settings of ${each.key} that are secret: ${join(", ", each.value.keys)}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = merge(var.tags, { Service = each.key })
}

resource "aws_secretsmanager_secret_version" "service" {
  for_each                 = var.entries
  secret_id                = aws_secretsmanager_secret.service[each.key].id
  secret_string_wo         = var.values[each.key]
  secret_string_wo_version = var.values_version
}
