output "cluster_name" {
  description = "Name of the cluster (the pipeline's CLUSTER_NAME)."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_security_group_id" {
  description = "Security group EKS gives the control plane and the managed nodes: datastores admit it."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "external_secrets_role_arn" {
  description = "Role the External Secrets Operator's pods receive through EKS Pod Identity."
  value       = aws_iam_role.external_secrets.arn
}

output "node_autoscaling_group_name" {
  description = "Auto Scaling group EKS created for the managed node group: the ingress load balancer's targets."
  value       = one(aws_eks_node_group.default.resources[0].autoscaling_groups[*].name)
}
