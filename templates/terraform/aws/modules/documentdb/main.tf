# MongoDB-compatible database: an Amazon DocumentDB cluster in the private subnets, encrypted with the
# environment's key, TLS required, with automated backups (point-in-time recovery over the retention
# window), audit and profiler logs, and a second instance in another zone in production. DocumentDB speaks
# the MongoDB 5.0 API; check the application's drivers and features against AWS's compatibility list.
# The master password is write-only: never stored in the Terraform state.

resource "aws_docdb_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "database" {
  name        = "${var.name}-documentdb"
  description = "${var.name} DocumentDB: reachable from the application only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-documentdb" })
}

resource "aws_vpc_security_group_ingress_rule" "database_from_clients" {
  for_each                     = var.client_security_group_ids
  security_group_id            = aws_security_group.database.id
  description                  = "MongoDB protocol from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = each.value
  tags                         = var.tags
}

resource "aws_docdb_cluster_parameter_group" "this" {
  name        = "${var.name}-docdb5"
  family      = "docdb5.0"
  description = "${var.name}: TLS required, audit and profiler logs"
  tags        = var.tags

  parameter {
    name  = "tls"
    value = "enabled"
  }

  parameter {
    name  = "audit_logs"
    value = "enabled"
  }

  parameter {
    name  = "profiler"
    value = "enabled"
  }
}

resource "aws_docdb_cluster" "this" {
  cluster_identifier              = var.name
  engine                          = "docdb"
  engine_version                  = var.engine_version
  port                            = var.port
  master_username                 = var.username
  master_password_wo              = var.password
  master_password_wo_version      = var.password_version
  db_subnet_group_name            = aws_docdb_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.database.id]
  db_cluster_parameter_group_name = aws_docdb_cluster_parameter_group.this.name
  storage_encrypted               = true
  kms_key_id                      = var.kms_key_arn
  backup_retention_period         = var.backup_retention_days
  preferred_backup_window         = "02:00-03:00"
  preferred_maintenance_window    = "sun:03:30-sun:04:30"
  deletion_protection             = var.deletion_protection
  skip_final_snapshot             = !var.deletion_protection
  final_snapshot_identifier       = "${var.name}-final"
  enabled_cloudwatch_logs_exports = ["audit", "profiler"]
  tags                            = var.tags
}

resource "aws_docdb_cluster_instance" "this" {
  count                      = var.high_availability ? 2 : 1
  identifier                 = "${var.name}-${count.index + 1}"
  cluster_identifier         = aws_docdb_cluster.this.id
  instance_class             = var.instance_class
  auto_minor_version_upgrade = true
  tags                       = var.tags
}
