#!/usr/bin/env bash
# Installs the npm dependencies (`npm ci`) unless node_modules already matches package-lock.json, then
# builds dist/ unless it is newer than every source file. Shared by `npm test` and `npm run demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.phase4-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "ensure-deps: npm ci" >&2
  npm ci --no-audit --no-fund >&2
  echo "$lock_sum" > "$stamp"
fi

newest_source=$(find bin generators lib templates scripts/bundle.mjs scripts/precompile-templates.mjs tsconfig.json package.json -newer dist/.built -print -quit 2>/dev/null || echo changed)
if [ ! -f dist/.built ] || [ -n "$newest_source" ]; then
  echo "ensure-deps: building dist/" >&2
  rm -rf dist
  npm run --silent build
fi
