# The environment's hosts in its Route 53 zone and their TLS certificate (ACM, validated through DNS). The
# records point at the load balancer in front of the application: the ALB of the ECS services, or the
# ingress controller's load balancer on Kubernetes once it exists.

data "aws_route53_zone" "this" {
  name         = var.zone_name
  private_zone = false
}

resource "aws_acm_certificate" "this" {
  domain_name               = var.hosts[0]
  subject_alternative_names = slice(var.hosts, 1, length(var.hosts))
  validation_method         = "DNS"
  key_algorithm             = "EC_prime256v1"
  tags                      = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by host (known before the certificate exists) so that a plan can count the records.
resource "aws_route53_record" "validation" {
  for_each        = toset(var.hosts)
  zone_id         = data.aws_route53_zone.this.zone_id
  name            = one([for option in aws_acm_certificate.this.domain_validation_options : option.resource_record_name if option.domain_name == each.value])
  type            = one([for option in aws_acm_certificate.this.domain_validation_options : option.resource_record_type if option.domain_name == each.value])
  records         = [for option in aws_acm_certificate.this.domain_validation_options : option.resource_record_value if option.domain_name == each.value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

# ALB (or NLB) alias records: no charge for the queries, and they follow the load balancer's addresses.
resource "aws_route53_record" "alias" {
  for_each = var.load_balancer == null ? toset([]) : toset(var.hosts)
  zone_id  = data.aws_route53_zone.this.zone_id
  name     = each.value
  type     = "A"

  alias {
    name                   = var.load_balancer.dns_name
    zone_id                = var.load_balancer.zone_id
    evaluate_target_health = true
  }
}
