output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets, one per zone (load balancers)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets, one per zone (workloads, databases, caches)."
  value       = aws_subnet.private[*].id
}

output "nat_gateway_count" {
  description = "How many NAT gateways route the private subnets' egress."
  value       = length(aws_nat_gateway.this)
}
