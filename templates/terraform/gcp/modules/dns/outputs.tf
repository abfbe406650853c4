output "name_servers" {
  description = "Name servers of the zone, which the domain's registrar must delegate to."
  value       = data.google_dns_managed_zone.zone.name_servers
}

output "records" {
  description = "The records written, by host."
  value       = { for host, record in google_dns_record_set.host : host => record.rrdatas[0] }
}
