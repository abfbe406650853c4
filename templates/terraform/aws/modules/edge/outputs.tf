output "load_balancer" {
  description = "ARN (for the WAF), DNS name and hosted zone (for alias records) of the load balancer."
  value = {
    arn      = aws_lb.this.arn
    dns_name = aws_lb.this.dns_name
    zone_id  = aws_lb.this.zone_id
  }
}

output "node_ports" {
  description = "NodePorts the ingress controller's Service must use: the load balancer sends to them and the nodes admit it there."
  value       = var.node_ports
}

output "security_group_id" {
  description = "Security group of the load balancer: the only source the nodes admit on the NodePorts."
  value       = aws_security_group.load_balancer.id
}
