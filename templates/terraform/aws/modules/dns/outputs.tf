output "zone_id" {
  description = "ID of the Route 53 zone."
  value       = data.aws_route53_zone.this.zone_id
}

output "certificate_arn" {
  description = "ARN of the validated certificate of every host."
  value       = aws_acm_certificate_validation.this.certificate_arn
}
