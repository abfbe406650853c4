# The application's relational database: RDS for PostgreSQL or MySQL in the private subnets, encrypted with
# the environment's key, with automated backups (point-in-time recovery over the whole retention window),
# TLS-only connections, and RDS Proxy in front for connection pooling. The master password is write-only:
# it reaches RDS and the proxy's secret but is never stored in the Terraform state.

locals {
  postgres = var.engine == "postgres"
  family   = "${var.engine}${var.engine_version}"
  logs     = local.postgres ? ["postgresql", "upgrade"] : ["error", "slowquery"]
  # TLS is mandatory, slow statements (over a second) are logged.
  parameters = local.postgres ? {
    "rds.force_ssl"              = "1"
    "log_min_duration_statement" = "1000"
    } : {
    "require_secure_transport" = "ON"
    "slow_query_log"           = "1"
    "long_query_time"          = "1"
  }
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "database" {
  name        = "${var.name}-database"
  description = "${var.name} database: reachable from the application only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-database" })
}

# Only the proxy (or, without one, the application) reaches the database port.
resource "aws_vpc_security_group_ingress_rule" "database_from_clients" {
  for_each                     = var.proxy ? { proxy = aws_security_group.proxy[0].id } : var.client_security_group_ids
  security_group_id            = aws_security_group.database.id
  description                  = "${var.engine} from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = each.value
  tags                         = var.tags
}

resource "aws_db_parameter_group" "this" {
  name        = "${var.name}-${replace(local.family, ".", "-")}"
  family      = local.family
  description = "${var.name}: TLS only, slow statements logged"
  tags        = var.tags

  dynamic "parameter" {
    for_each = local.parameters
    content {
      name         = parameter.key
      value        = parameter.value
      apply_method = "pending-reboot"
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = var.engine
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name             = var.database_name
  username            = var.username
  password_wo         = var.password
  password_wo_version = var.password_version
  port                = var.port

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.database.id]
  publicly_accessible                 = false
  multi_az                            = var.multi_az
  parameter_group_name                = aws_db_parameter_group.this.name
  iam_database_authentication_enabled = true

  backup_retention_period   = var.backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.deletion_protection
  final_snapshot_identifier = "${var.name}-final"

  auto_minor_version_upgrade      = true
  enabled_cloudwatch_logs_exports = local.logs
  monitoring_interval             = 60
  monitoring_role_arn             = aws_iam_role.monitoring.arn

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7

  tags = var.tags
}

# A read replica for reporting and read scaling, in another zone of the same region.
resource "aws_db_instance" "replica" {
  count                      = var.read_replica ? 1 : 0
  identifier                 = "${var.name}-replica"
  replicate_source_db        = aws_db_instance.this.identifier
  instance_class             = var.instance_class
  storage_encrypted          = true
  kms_key_id                 = var.kms_key_arn
  vpc_security_group_ids     = [aws_security_group.database.id]
  parameter_group_name       = aws_db_parameter_group.this.name
  publicly_accessible        = false
  auto_minor_version_upgrade = true
  skip_final_snapshot        = true
  monitoring_interval        = 60
  monitoring_role_arn        = aws_iam_role.monitoring.arn

  iam_database_authentication_enabled   = true
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7

  tags = var.tags
}

# Disaster recovery: the automated backups are also copied to a second region, so the database can be
# restored to a point in time there if this region is lost.
resource "aws_kms_key" "backup_copy" {
  count                   = var.backup_copy ? 1 : 0
  provider                = aws.backup_copy
  description             = "Encrypts the cross-region backup copies of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_db_instance_automated_backups_replication" "this" {
  count                  = var.backup_copy ? 1 : 0
  provider               = aws.backup_copy
  source_db_instance_arn = aws_db_instance.this.arn
  kms_key_id             = aws_kms_key.backup_copy[0].arn
  retention_period       = var.backup_retention_days
}

# RDS Proxy pools connections (many short-lived application connections share a few database ones) and
# keeps them open through a failover. It signs in with the credentials in its own secret.
resource "aws_secretsmanager_secret" "proxy" {
  count                   = var.proxy ? 1 : 0
  name                    = "${var.name}-database-proxy"
  description             = "Credentials RDS Proxy uses to connect to ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "proxy" {
  count                    = var.proxy ? 1 : 0
  secret_id                = aws_secretsmanager_secret.proxy[0].id
  secret_string_wo         = jsonencode({ username = var.username, password = var.password })
  secret_string_wo_version = var.password_version
}

data "aws_iam_policy_document" "proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "proxy" {
  count              = var.proxy ? 1 : 0
  name               = "${var.name}-database-proxy"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "proxy_reads_secret" {
  count = var.proxy ? 1 : 0
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.proxy[0].arn]
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "proxy" {
  count  = var.proxy ? 1 : 0
  name   = "read-database-credentials"
  role   = aws_iam_role.proxy[0].id
  policy = data.aws_iam_policy_document.proxy_reads_secret[0].json
}

resource "aws_security_group" "proxy" {
  count       = var.proxy ? 1 : 0
  name        = "${var.name}-database-proxy"
  description = "${var.name} database proxy: reachable from the application only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-database-proxy" })
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_clients" {
  for_each                     = var.proxy ? var.client_security_group_ids : {}
  security_group_id            = aws_security_group.proxy[0].id
  description                  = "${var.engine} from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = each.value
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_database" {
  count                        = var.proxy ? 1 : 0
  security_group_id            = aws_security_group.proxy[0].id
  description                  = "${var.engine} to the database"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = aws_security_group.database.id
  tags                         = var.tags
}

resource "aws_db_proxy" "this" {
  count                  = var.proxy ? 1 : 0
  name                   = var.name
  engine_family          = local.postgres ? "POSTGRESQL" : "MYSQL"
  role_arn               = aws_iam_role.proxy[0].arn
  vpc_subnet_ids         = var.subnet_ids
  vpc_security_group_ids = [aws_security_group.proxy[0].id]
  require_tls            = true
  idle_client_timeout    = 1800
  tags                   = var.tags

  auth {
    auth_scheme = "SECRETS"
    iam_auth    = "DISABLED"
    secret_arn  = aws_secretsmanager_secret.proxy[0].arn
  }
}

resource "aws_db_proxy_default_target_group" "this" {
  count         = var.proxy ? 1 : 0
  db_proxy_name = aws_db_proxy.this[0].name

  connection_pool_config {
    max_connections_percent      = 90
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 120
  }
}

resource "aws_db_proxy_target" "this" {
  count                  = var.proxy ? 1 : 0
  db_proxy_name          = aws_db_proxy.this[0].name
  target_group_name      = aws_db_proxy_default_target_group.this[0].name
  db_instance_identifier = aws_db_instance.this.identifier
}
