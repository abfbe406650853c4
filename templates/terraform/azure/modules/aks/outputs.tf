output "cluster_name" {
  description = "Name of the AKS cluster."
  value       = azurerm_kubernetes_cluster.main.name
}

output "cluster_id" {
  description = "Id of the AKS cluster."
  value       = azurerm_kubernetes_cluster.main.id
}

output "oidc_issuer_url" {
  description = "Issuer of the cluster's ServiceAccount tokens, for further federated credentials."
  value       = azurerm_kubernetes_cluster.main.oidc_issuer_url
}

output "external_secrets_client_id" {
  description = "Client id of the External Secrets Operator's managed identity."
  value       = azurerm_user_assigned_identity.external_secrets.client_id
}
