output "arns" {
  description = "ARN of each service's entry."
  value       = { for service, secret in aws_secretsmanager_secret.service : service => secret.arn }
}

output "names" {
  description = "Name of each service's entry."
  value       = { for service, secret in aws_secretsmanager_secret.service : service => secret.name }
}
