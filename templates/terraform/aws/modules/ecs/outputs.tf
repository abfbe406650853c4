output "cluster_name" {
  description = "Name of the ECS cluster (the pipeline's ECS_CLUSTER)."
  value       = aws_ecs_cluster.this.name
}

output "service_security_group_ids" {
  description = "Security group of each service's tasks: datastores admit the ones that use them."
  value       = { for name, group in aws_security_group.service : name => group.id }
}

output "load_balancer" {
  description = "DNS name and hosted zone of the load balancer, for alias records."
  value = {
    arn      = aws_lb.this.arn
    dns_name = aws_lb.this.dns_name
    zone_id  = aws_lb.this.zone_id
  }
}

output "task_subnet_ids" {
  description = "Subnets one-off tasks (migrations) run in: the pipeline's ECS_SUBNETS."
  value       = join(",", var.subnet_ids)
}
