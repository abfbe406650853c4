#!/usr/bin/env bash
# Prints the folder that scripts/setup-validators.sh installs its built validators into (docker-compose,
# actionlint, helm, kubeconform, trivy, tflint, promtool, amtool).
# Usage: PATH="$(bash scripts/validator-path.sh):$PATH"
set -euo pipefail
printf '%s\n' "${PHASE4_VALIDATORS_HOME:-$HOME/.local/share/phase4-validators}/bin"
