output "virtual_network_id" {
  description = "Id of the virtual network (private DNS zones link to it)."
  value       = azurerm_virtual_network.main.id
}

output "workload_subnet_id" {
  description = "Subnet of the AKS nodes or of the Container Apps environment."
  value       = azurerm_subnet.workload.id
  # AKS and Container Apps send outbound traffic through the NAT gateway from their first start.
  depends_on = [azurerm_subnet_nat_gateway_association.workload, azurerm_subnet_network_security_group_association.workload]
}

output "private_endpoint_subnet_id" {
  description = "Subnet of the private endpoints."
  value       = azurerm_subnet.private_endpoints.id
  depends_on  = [azurerm_subnet_network_security_group_association.private_endpoints]
}

output "database_subnet_id" {
  description = "Subnet delegated to the flexible server; null without one."
  value       = one(azurerm_subnet.database[*].id)
  depends_on  = [azurerm_subnet_network_security_group_association.database]
}

output "nat_public_ip" {
  description = "The address the environment's outbound traffic comes from."
  value       = azurerm_public_ip.nat.ip_address
}

output "ingress_ip" {
  description = "The AKS ingress controller's static public address: its address, name, resource group name and resource group id; null without AKS."
  value = var.workload == "aks" ? {
    address             = azurerm_public_ip.ingress[0].ip_address
    name                = azurerm_public_ip.ingress[0].name
    resource_group_name = azurerm_resource_group.ingress[0].name
    resource_group_id   = azurerm_resource_group.ingress[0].id
  } : null
}
