# The environment's DNS records in the Cloud DNS zone of the domain: each host points at its load balancer's
# address. The zone exists already (it holds the domain): it is looked up by its managed zone name.

data "google_dns_managed_zone" "zone" {
  project = var.project_id
  name    = var.managed_zone
}

resource "google_dns_record_set" "host" {
  for_each     = var.records
  project      = var.project_id
  managed_zone = data.google_dns_managed_zone.zone.name
  name         = "${each.key}."
  type         = "A"
  ttl          = 300
  rrdatas      = [each.value]
}
