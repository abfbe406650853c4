# The public entry of the Kubernetes cluster: an Application Load Balancer in front of the NGINX ingress
# controller, which listens on fixed NodePorts of the nodes. The load balancer ends TLS with the ACM certificate
# of the hosts, carries the WAF web ACL, and re-encrypts to the controller's HTTPS NodePort; its HTTP listener
# redirects to HTTPS except for ACME HTTP-01 challenges, which reach the controller so cert-manager can renew
# the certificates the controller serves. Only this load balancer may reach the NodePorts.

locals {
  # Target group names stop at 32 characters: the name keeps up to 26 of them.
  target_group_prefix = trim(substr(var.name, 0, 26), "-")
}

resource "aws_security_group" "load_balancer" {
  name        = "${var.name}-ingress-edge"
  description = "${var.name} public load balancer of the ingress controller"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-ingress-edge" })
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer" {
  for_each          = toset(["80", "443"])
  security_group_id = aws_security_group.load_balancer.id
  description       = "Public ${each.value == "443" ? "HTTPS" : "HTTP (redirected to HTTPS, ACME challenges aside)"}"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_nodes" {
  for_each                     = var.node_ports
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "Ingress controller's ${upper(each.key)} NodePort"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = var.node_security_group_id
  tags                         = var.tags
}

# The nodes admit the load balancer on the two NodePorts and nothing else from outside the cluster.
resource "aws_vpc_security_group_ingress_rule" "nodes_from_load_balancer" {
  for_each                     = var.node_ports
  security_group_id            = var.node_security_group_id
  description                  = "${upper(each.key)} to the ingress controller from its load balancer"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = aws_security_group.load_balancer.id
  tags                         = var.tags
}

# The application's public entry faces the internet by design (an accepted trivy finding): 443 only (80
# redirects), TLS 1.2+, malformed headers dropped, WAF in front.
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

# Every node is a target: kube-proxy forwards a NodePort to a controller pod wherever it runs. The controller's
# default server answers /healthz on its HTTP port, whatever the Host header.
resource "aws_lb_target_group" "controller" {
  for_each             = var.node_ports
  name                 = "${local.target_group_prefix}-${each.key}"
  port                 = each.value
  protocol             = upper(each.key)
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = var.tags

  health_check {
    protocol            = "HTTP"
    port                = tostring(var.node_ports.http)
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

# EKS creates one Auto Scaling group per managed node group; the nodes it starts join both target groups.
resource "aws_autoscaling_attachment" "controller" {
  for_each               = var.node_ports
  autoscaling_group_name = var.node_autoscaling_group_name
  lb_target_group_arn    = aws_lb_target_group.controller[each.key].arn
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

# Let's Encrypt asks for http://HOST/.well-known/acme-challenge/TOKEN: cert-manager's solver answers it in the
# controller, over plain HTTP as the protocol requires.
resource "aws_lb_listener_rule" "acme_challenge" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 1
  tags         = var.tags

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.controller["http"].arn
  }

  condition {
    path_pattern {
      values = ["/.well-known/acme-challenge/*"]
    }
  }
}

# Every host goes to the controller, which routes by its Ingresses and answers 404 to a host it does not serve.
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.controller["https"].arn
  }
}
