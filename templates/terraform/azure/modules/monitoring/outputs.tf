output "workspace_id" {
  description = "Id of the Log Analytics workspace, for diagnostic settings."
  value       = azurerm_log_analytics_workspace.main.id
}
