# A regional GKE Standard cluster: private nodes, Workload Identity, Shielded nodes with secure boot, Dataplane
# V2 (which enforces NetworkPolicy), a release channel that patches the control plane and nodes, and one
# autoscaled, auto-repaired node pool whose service account may only write logs and metrics and pull images.
# The ingress controller's pods take connections from Google's load balancer only (its front ends and health
# checks); the load balancer itself is modules/load-balancer.

resource "google_service_account" "nodes" {
  project      = var.project_id
  account_id   = trimsuffix(substr("${var.name}-nodes", 0, 30), "-")
  display_name = "GKE nodes of ${var.name}"
}

resource "google_project_iam_member" "nodes" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
  ])
  project = var.project_id
  role    = each.value
  member  = google_service_account.nodes.member
}

resource "google_container_cluster" "main" {
  project             = var.project_id
  name                = var.name
  location            = var.region
  network             = var.network_id
  subnetwork          = var.subnetwork_id
  networking_mode     = "VPC_NATIVE"
  datapath_provider   = "ADVANCED_DATAPATH"
  deletion_protection = var.deletion_protection
  resource_labels     = var.labels

  # The default pool cannot be configured as the one below is: it is removed as soon as the cluster exists.
  remove_default_node_pool = true
  initial_node_count       = 1

  enable_shielded_nodes       = true
  enable_intranode_visibility = true
  enable_legacy_abac          = false

  release_channel {
    channel = var.release_channel
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = var.pods_range_name
    services_secondary_range_name = var.services_range_name
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = var.control_plane_cidr
  }

  # The API answers only the ranges listed here (none by default: add the CI runners' and operators').
  master_authorized_networks_config {
    gcp_public_cidrs_access_enabled = false

    dynamic "cidr_blocks" {
      for_each = var.authorized_networks
      content {
        display_name = cidr_blocks.key
        cidr_block   = cidr_blocks.value
      }
    }
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  binary_authorization {
    evaluation_mode = var.binary_authorization ? "PROJECT_SINGLETON_POLICY_ENFORCE" : "DISABLED"
  }

  security_posture_config {
    mode               = "BASIC"
    vulnerability_mode = "VULNERABILITY_BASIC"
  }

  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"]
  }

  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS"]

    managed_prometheus {
      enabled = true
    }
  }

  # Upgrades and repairs start at night, UTC, on weekdays.
  maintenance_policy {
    recurring_window {
      start_time = "2025-01-06T02:00:00Z"
      end_time   = "2025-01-06T06:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH"
    }
  }

  lifecycle {
    # The removed default pool's settings are reported back as changes otherwise.
    ignore_changes = [node_config, initial_node_count]
  }
}

resource "google_container_node_pool" "general" {
  project  = var.project_id
  name     = "general"
  cluster  = google_container_cluster.main.id
  location = var.region

  autoscaling {
    total_min_node_count = var.node_count.min
    total_max_node_count = var.node_count.max
    location_policy      = "BALANCED"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  upgrade_settings {
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    machine_type    = var.machine_type
    image_type      = "COS_CONTAINERD"
    disk_type       = "pd-balanced"
    disk_size_gb    = 100
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    resource_labels = var.labels

    metadata = {
      disable-legacy-endpoints = "true"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    # Pods see the GKE metadata server, which hands out their own Workload Identity, never the node's.
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

# Google's load balancer reaches the ingress controller's pods (the endpoints of its network endpoint groups)
# on the controller's HTTP port; nothing else from outside the VPC may.
resource "google_compute_firewall" "edge_to_ingress" {
  project                 = var.project_id
  name                    = "${var.name}-edge-to-ingress"
  network                 = var.network_id
  direction               = "INGRESS"
  priority                = 900
  source_ranges           = var.edge_source_ranges
  target_service_accounts = [google_service_account.nodes.email]

  allow {
    protocol = "tcp"
    ports    = [tostring(var.ingress_controller_port)]
  }

  log_config {
    metadata = "EXCLUDE_ALL_METADATA"
  }
}
