# The services on ECS Fargate, without Kubernetes: one service (<project>-<service>) and task definition family
# (<project>-<environment>-<service>) per application service, the names the pipeline's deploy script uses, in
# the private subnets, behind an
# Application Load Balancer for the public ones. Services find each other through ECS Service Connect under
# their own names, as in compose. The pipeline registers new task definition revisions; Terraform creates
# the first one and then leaves the image and the desired count to the pipeline and the autoscaler.

data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  public = { for name, service in var.services : name => service if service.route != null }
  migrations = { for name, service in var.services : name => service if service.migration != null }
  # A service on a path prefix (the API at /api) answers it on its own host and on every other host a front end
  # serves at `/`, so each front end calls it on its own origin and the front ends' nginx proxies nothing
  # (API_UPSTREAM=off). One rule per host, ahead of every catch-all (priorities 50 to 99).
  front_end_hosts = distinct([for service in values(local.public) : service.route.host if service.route.path == "/"])
  other_hosts     = { for name, service in local.public : name => [for host in local.front_end_hosts : host if host != service.route.host] }
  prefix_routes = merge([
    for name, service in local.public : {
      for index, host in local.other_hosts[name] : "${name}-${index}" => { service = name, host = host, path = service.route.path, priority = 50 + index }
    } if service.route.path != "/"
  ]...)
  # Target group names stop at 32 characters: the service keeps up to 15 of them, the name the rest.
  target_groups = {
    for name, _ in local.public : name => "${trim(substr(var.name, 0, 31 - min(length(name), 15)), "-")}-${trim(substr(name, 0, 15), "-")}"
  }
}

resource "aws_service_discovery_http_namespace" "this" {
  name        = var.name
  description = "Service Connect names of ${var.name}"
  tags        = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = var.name
  tags = var.tags

  setting {
    name  = "containerInsights"
    value = "enhanced"
  }

  service_connect_defaults {
    namespace = aws_service_discovery_http_namespace.this.arn
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

# The execution role pulls images, writes logs and reads each service's secret entry into its environment.
data "aws_iam_policy_document" "tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_reads_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(var.secret_arns)
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "execution_reads_secrets" {
  count  = length(var.secret_arns) > 0 ? 1 : 0
  name   = "read-secret-entries"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_reads_secrets.json
}

# Each service's own role, with no permissions: add the AWS APIs a service calls here, for it alone.
resource "aws_iam_role" "task" {
  for_each           = var.services
  name               = "${trim(substr("${var.name}-${each.key}", 0, 59), "-")}-task"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
  tags               = merge(var.tags, { Service = each.key })
}

resource "aws_cloudwatch_log_group" "service" {
  for_each          = var.services
  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = merge(var.tags, { Service = each.key })
}

resource "aws_security_group" "service" {
  for_each    = var.services
  name        = "${var.name}-${each.key}"
  description = "${var.name} ${each.key} tasks"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-${each.key}", Service = each.key })
}

resource "aws_vpc_security_group_ingress_rule" "service_from_load_balancer" {
  for_each                     = local.public
  security_group_id            = aws_security_group.service[each.key].id
  description                  = "HTTP from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.load_balancer.id
  tags                         = var.tags
}

# Out: HTTPS (images, Secrets Manager, the APIs the application calls) through the NAT gateways, and the
# datastores and other services inside the VPC. Those HTTPS endpoints have no fixed addresses, so this one rule
# leaves the VPC for any address, on port 443 only (an accepted trivy finding).
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "service_https" {
  for_each          = var.services
  security_group_id = aws_security_group.service[each.key].id
  description       = "HTTPS to AWS APIs and the internet"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "service_in_vpc" {
  for_each          = var.services
  security_group_id = aws_security_group.service[each.key].id
  description       = "Datastores and other services in the VPC"
  ip_protocol       = "tcp"
  from_port         = 1
  to_port           = 65535
  cidr_ipv4         = var.vpc_cidr
  tags              = var.tags
}

resource "aws_ecs_task_definition" "service" {
  for_each                 = var.services
  family                   = each.value.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  tags                     = merge(var.tags, { Service = each.key })

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  dynamic "volume" {
    for_each = each.value.writable_paths
    content {
      name = "writable-${volume.key}"
    }
  }

  container_definitions = jsonencode([
    {
      name                   = each.key
      image                  = each.value.image
      essential              = true
      command                = each.value.command
      user                   = each.value.user
      readonlyRootFilesystem = true
      stopTimeout            = 40
      linuxParameters        = { initProcessEnabled = true }
      portMappings = each.value.port == null ? [] : [
        { name = "http", containerPort = each.value.port, protocol = "tcp", appProtocol = "http" }
      ]
      environment = [for key, value in each.value.environment : { name = key, value = value }]
      secrets = [
        for key in each.value.secret_keys : { name = key, valueFrom = "${var.secret_arns[each.key]}:${key}::" }
      ]
      mountPoints = [
        for index, path in each.value.writable_paths : { sourceVolume = "writable-${index}", containerPath = path, readOnly = false }
      ]
      healthCheck = each.value.health_command == null ? null : {
        command     = concat(["CMD"], each.value.health_command)
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 60
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service[each.key].name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = each.key
        }
      }
    }
  ])
}

# Migrations run as one-off tasks of this definition before the services roll (scripts/ci/deploy.sh).
resource "aws_ecs_task_definition" "migration" {
  for_each                 = local.migrations
  family                   = each.value.migration.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  tags                     = merge(var.tags, { Service = each.key })

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name                   = "migrate"
      image                  = each.value.migration.image
      essential              = true
      command                = each.value.migration.command
      user                   = each.value.user
      readonlyRootFilesystem = true
      environment            = [for key, value in each.value.environment : { name = key, value = value }]
      secrets = [
        for key in each.value.secret_keys : { name = key, valueFrom = "${var.secret_arns[each.key]}:${key}::" }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service[each.key].name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = "migrate"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "service" {
  for_each                          = var.services
  name                              = each.value.workload
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.service[each.key].arn
  desired_count                     = each.value.min_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  propagate_tags                    = "SERVICE"
  enable_execute_command            = false
  health_check_grace_period_seconds = each.value.route == null ? null : 60
  tags                              = merge(var.tags, { Service = each.key })

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.service[each.key].id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = each.value.route == null ? [] : [each.key]
    content {
      target_group_arn = aws_lb_target_group.service[each.key].arn
      container_name   = each.key
      container_port   = each.value.port
    }
  }

  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.this.arn

    dynamic "service" {
      for_each = each.value.port == null ? [] : [each.key]
      content {
        port_name      = "http"
        discovery_name = each.key
        client_alias {
          port     = each.value.port
          dns_name = each.key
        }
      }
    }
  }

  lifecycle {
    # The pipeline deploys new revisions and the autoscaler sets the count.
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_lb_listener.https]
}

resource "aws_appautoscaling_target" "service" {
  for_each           = var.services
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.service[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.min_count
  max_capacity       = each.value.max_count
  tags               = merge(var.tags, { Service = each.key })
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each           = var.services
  name               = "${var.name}-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.service[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.service[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.service[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = 70
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# The public entry: HTTPS only (HTTP redirects), TLS 1.2 or newer, malformed headers dropped.
resource "aws_security_group" "load_balancer" {
  name        = "${var.name}-load-balancer"
  description = "${var.name} public load balancer"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-load-balancer" })
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer" {
  for_each          = toset(["80", "443"])
  security_group_id = aws_security_group.load_balancer.id
  description       = "Public ${each.value == "443" ? "HTTPS" : "HTTP (redirected to HTTPS)"}"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_service" {
  for_each                     = local.public
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "HTTP to ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.service[each.key].id
  tags                         = var.tags
}

# The application's public entry faces the internet by design (an accepted trivy finding): 443 only, TLS 1.2+,
# malformed headers dropped, WAF in front.
#trivy:ignore:AVD-AWS-0053
resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.load_balancer.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 60
  tags                       = var.tags
}

resource "aws_lb_target_group" "service" {
  for_each             = local.public
  name                 = local.target_groups[each.key]
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = merge(var.tags, { Service = each.key })

  health_check {
    path                = each.value.health_path
    matcher             = "200-399"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # Shortened names must still tell the services apart.
  lifecycle {
    precondition {
      condition     = length(distinct(values(local.target_groups))) == length(local.target_groups)
      error_message = "Two public services have the same first 15 characters: their target groups need names of their own."
    }
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  tags              = var.tags

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn
  tags              = var.tags

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}

# More specific paths (/api) are matched before a host's catch-all.
resource "aws_lb_listener_rule" "service" {
  for_each     = local.public
  listener_arn = aws_lb_listener.https.arn
  priority     = each.value.route.priority
  tags         = merge(var.tags, { Service = each.key })

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.service[each.key].arn
  }

  condition {
    host_header {
      values = [each.value.route.host]
    }
  }

  dynamic "condition" {
    for_each = each.value.route.path == "/" ? [] : [each.value.route.path]
    content {
      path_pattern {
        values = [condition.value, "${condition.value}/*"]
      }
    }
  }
}

resource "aws_lb_listener_rule" "prefix_on_front_end_host" {
  for_each     = local.prefix_routes
  listener_arn = aws_lb_listener.https.arn
  priority     = each.value.priority
  tags         = merge(var.tags, { Service = each.value.service })

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.service[each.value.service].arn
  }

  condition {
    host_header {
      values = [each.value.host]
    }
  }

  condition {
    path_pattern {
      values = [each.value.path, "${each.value.path}/*"]
    }
  }

  lifecycle {
    precondition {
      condition     = length(local.prefix_routes) <= 50
      error_message = "At most 50 front end hosts can share the API's path prefix (rule priorities 50 to 99)."
    }
  }
}
