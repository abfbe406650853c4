# The environment's hosts in its Azure DNS zone (looked up by name), pointing at the AKS ingress controller's
# public address once it exists; the assets host is Front Door's (module front-door).

data "azurerm_dns_zone" "main" {
  name                = var.zone_name
  resource_group_name = var.zone_resource_group_name
}

resource "azurerm_dns_a_record" "host" {
  for_each            = { for host in var.hosts : host => host == var.zone_name ? "@" : trimsuffix(host, ".${var.zone_name}") if var.ingress_ip_address != null }
  name                = each.value
  zone_name           = data.azurerm_dns_zone.main.name
  resource_group_name = var.zone_resource_group_name
  ttl                 = 300
  records             = [var.ingress_ip_address]
  tags                = var.tags
}
