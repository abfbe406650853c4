output "zone_id" {
  description = "Id of the DNS zone."
  value       = data.azurerm_dns_zone.main.id
}

output "records" {
  description = "Fully qualified name of each host record."
  value       = { for host, record in azurerm_dns_a_record.host : host => record.fqdn }
}
