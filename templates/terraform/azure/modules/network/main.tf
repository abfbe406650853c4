# The environment's virtual network: a subnet for the workloads (AKS nodes, or the Container Apps
# environment), one for private endpoints and, for PostgreSQL or MySQL, one delegated to the flexible server.
# Every subnet has its own network security group: inbound from the internet is denied except from Front
# Door's back end to the AKS ingress (HTTP and HTTPS), and the datastore subnets accept only the workload
# subnet, on their own ports. On AKS, the ingress controller's static public address lives here too.

locals {
  workload_prefix          = cidrsubnet(var.address_space, 4, 0)
  private_endpoints_prefix = cidrsubnet(var.address_space, 8, 16)
  database_prefix          = cidrsubnet(var.address_space, 8, 17)
}

resource "azurerm_virtual_network" "main" {
  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  address_space       = [var.address_space]
  tags                = var.tags
}

resource "azurerm_subnet" "workload" {
  name                            = "workload"
  resource_group_name             = var.resource_group_name
  virtual_network_name            = azurerm_virtual_network.main.name
  address_prefixes                = [local.workload_prefix]
  default_outbound_access_enabled = false

  dynamic "delegation" {
    for_each = var.workload == "container-apps" ? [1] : []
    content {
      name = "container-apps"
      service_delegation {
        name    = "Microsoft.App/environments"
        actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
      }
    }
  }
}

resource "azurerm_subnet" "private_endpoints" {
  name                            = "private-endpoints"
  resource_group_name             = var.resource_group_name
  virtual_network_name            = azurerm_virtual_network.main.name
  address_prefixes                = [local.private_endpoints_prefix]
  default_outbound_access_enabled = false
  # The subnet's security group then applies to the private endpoints too.
  private_endpoint_network_policies = "Enabled"
}

resource "azurerm_subnet" "database" {
  count                           = var.database_delegation == null ? 0 : 1
  name                            = "database"
  resource_group_name             = var.resource_group_name
  virtual_network_name            = azurerm_virtual_network.main.name
  address_prefixes                = [local.database_prefix]
  default_outbound_access_enabled = false

  delegation {
    name = "flexible-server"
    service_delegation {
      name    = var.database_delegation
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_network_security_group" "workload" {
  name                = "${var.name}-workload"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

# On AKS, the ingress controller's load balancer takes this static address: a resource group of its own, so
# that the cluster's identity may manage the address (Network Contributor on that group, module aks) and
# nothing else of the network. Front Door is its only client (module front-door).
resource "azurerm_resource_group" "ingress" {
  count    = var.workload == "aks" ? 1 : 0
  name     = "${var.name}-ingress"
  location = var.location
  tags     = var.tags
}

resource "azurerm_public_ip" "ingress" {
  count               = var.workload == "aks" ? 1 : 0
  name                = "${var.name}-ingress"
  location            = var.location
  resource_group_name = azurerm_resource_group.ingress[0].name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = var.zones
  tags                = var.tags
}

# Front Door's back end is the only entry from the internet, to the AKS ingress controller on HTTP (ACME
# challenges only: Front Door redirects the rest) and HTTPS; the controller also refuses requests of any other
# Front Door profile (X-Azure-FDID). The load balancer keeps the destination address (floating IP), hence the
# ingress address beside the nodes' subnet. Container Apps are reached through Front Door's private link
# instead, so nothing is opened for them.
resource "azurerm_network_security_rule" "workload_web_from_front_door" {
  count                        = var.workload == "aks" ? 1 : 0
  name                         = "allow-web-from-front-door"
  priority                     = 100
  direction                    = "Inbound"
  access                       = "Allow"
  protocol                     = "Tcp"
  source_port_range            = "*"
  destination_port_ranges      = ["80", "443"]
  source_address_prefix        = "AzureFrontDoor.Backend"
  destination_address_prefixes = [azurerm_public_ip.ingress[0].ip_address, local.workload_prefix]
  resource_group_name          = var.resource_group_name
  network_security_group_name  = azurerm_network_security_group.workload.name
}

resource "azurerm_network_security_group" "private_endpoints" {
  name                = "${var.name}-private-endpoints"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags

  security_rule {
    name                       = "allow-workloads"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = var.private_endpoint_ports
    source_address_prefix      = local.workload_prefix
    destination_address_prefix = local.private_endpoints_prefix
  }

  security_rule {
    name                       = "deny-everything-else"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "database" {
  count               = var.database_delegation == null ? 0 : 1
  name                = "${var.name}-database"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags

  security_rule {
    name                       = "allow-workloads"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = tostring(var.database_port)
    source_address_prefix      = local.workload_prefix
    destination_address_prefix = local.database_prefix
  }

  # A zone-redundant standby replicates from the primary inside the delegated subnet.
  security_rule {
    name                       = "allow-replication"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = tostring(var.database_port)
    source_address_prefix      = local.database_prefix
    destination_address_prefix = local.database_prefix
  }

  security_rule {
    name                       = "deny-everything-else"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "workload" {
  subnet_id                 = azurerm_subnet.workload.id
  network_security_group_id = azurerm_network_security_group.workload.id
}

resource "azurerm_subnet_network_security_group_association" "private_endpoints" {
  subnet_id                 = azurerm_subnet.private_endpoints.id
  network_security_group_id = azurerm_network_security_group.private_endpoints.id
}

resource "azurerm_subnet_network_security_group_association" "database" {
  count                     = var.database_delegation == null ? 0 : 1
  subnet_id                 = azurerm_subnet.database[0].id
  network_security_group_id = azurerm_network_security_group.database[0].id
}

# Outbound through one NAT gateway with a static address (the subnets have no default outbound access), so
# that third parties can allow-list the environment.
resource "azurerm_public_ip" "nat" {
  name                = "${var.name}-nat"
  location            = var.location
  resource_group_name = var.resource_group_name
  allocation_method   = "Static"
  sku                 = "Standard"
  tags                = var.tags
}

resource "azurerm_nat_gateway" "main" {
  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  sku_name            = "Standard"
  tags                = var.tags
}

resource "azurerm_nat_gateway_public_ip_association" "main" {
  nat_gateway_id       = azurerm_nat_gateway.main.id
  public_ip_address_id = azurerm_public_ip.nat.id
}

resource "azurerm_subnet_nat_gateway_association" "workload" {
  subnet_id      = azurerm_subnet.workload.id
  nat_gateway_id = azurerm_nat_gateway.main.id
}

resource "azurerm_monitor_diagnostic_setting" "workload" {
  name                       = "log-analytics"
  target_resource_id         = azurerm_network_security_group.workload.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }
}
