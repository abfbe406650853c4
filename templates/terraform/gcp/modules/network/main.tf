# The environment's VPC: one private subnet (with the secondary ranges GKE's pods and services use), Cloud NAT
# with logging for the way out, private services access for Cloud SQL and Memorystore, and firewall rules that
# deny every inbound connection except from inside the subnet and from Google's load balancer health checks.

locals {
  # A /20 each, out of the environment's /16: nodes and Cloud Run instances, GKE services, Google's datastores.
  subnet_cidr           = cidrsubnet(var.cidr, 4, 0)
  services_cidr         = cidrsubnet(var.cidr, 4, 1)
  private_services_cidr = cidrsubnet(var.cidr, 4, 2)

  # Where Google's load balancers and health checks connect from.
  health_check_ranges = ["35.191.0.0/16", "130.211.0.0/22"]
}

resource "google_compute_network" "main" {
  name                    = var.name
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "private" {
  name                     = "${var.name}-private"
  region                   = var.region
  network                  = google_compute_network.main.id
  ip_cidr_range            = local.subnet_cidr
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = var.pods_cidr
  }

  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = local.services_cidr
  }

  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
    flow_sampling        = 0.5
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_router" "main" {
  name    = var.name
  region  = var.region
  network = google_compute_network.main.id
}

# Nothing in the subnet has a public address: Cloud NAT is its only way to the internet.
resource "google_compute_router_nat" "main" {
  name                                = var.name
  router                              = google_compute_router.main.name
  region                              = var.region
  nat_ip_allocate_option              = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat  = "LIST_OF_SUBNETWORKS"
  enable_endpoint_independent_mapping = false

  subnetwork {
    name                    = google_compute_subnetwork.private.id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  log_config {
    enable = true
    filter = var.nat_log_filter
  }
}

# Private services access: Cloud SQL and Memorystore get addresses from this range, reachable only from the VPC.
resource "google_compute_global_address" "private_services" {
  name          = "${var.name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  address       = cidrhost(local.private_services_cidr, 0)
  prefix_length = 20
  network       = google_compute_network.main.id
  labels        = var.labels
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.main.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

# Inbound: denied unless a rule below (or one GKE adds for its own load balancers) allows it.
resource "google_compute_firewall" "deny_ingress" {
  name          = "${var.name}-deny-ingress"
  network       = google_compute_network.main.id
  direction     = "INGRESS"
  priority      = 65000
  source_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "all"
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_internal" {
  name          = "${var.name}-allow-internal"
  network       = google_compute_network.main.id
  direction     = "INGRESS"
  priority      = 1000
  source_ranges = [local.subnet_cidr, var.pods_cidr]

  allow {
    protocol = "tcp"
  }

  allow {
    protocol = "udp"
  }

  allow {
    protocol = "icmp"
  }

  log_config {
    metadata = "EXCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_health_checks" {
  name          = "${var.name}-allow-health-checks"
  network       = google_compute_network.main.id
  direction     = "INGRESS"
  priority      = 1000
  source_ranges = local.health_check_ranges

  allow {
    protocol = "tcp"
  }

  log_config {
    metadata = "EXCLUDE_ALL_METADATA"
  }
}

# Outbound to the datastores' range: only their ports, and only from the subnet (nodes, pods, Cloud Run).
resource "google_compute_firewall" "allow_datastores" {
  count              = length(var.datastore_ports) > 0 ? 1 : 0
  name               = "${var.name}-allow-datastores"
  network            = google_compute_network.main.id
  direction          = "EGRESS"
  priority           = 1000
  destination_ranges = [local.private_services_cidr]

  allow {
    protocol = "tcp"
    ports    = [for port in var.datastore_ports : tostring(port)]
  }

  log_config {
    metadata = "EXCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "deny_datastores_other_ports" {
  name               = "${var.name}-deny-datastores-other-ports"
  network            = google_compute_network.main.id
  direction          = "EGRESS"
  priority           = 1100
  destination_ranges = [local.private_services_cidr]

  deny {
    protocol = "all"
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}
