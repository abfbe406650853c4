#!/usr/bin/env bash
# The whole test suite, validators included. On a fresh machine it first installs what the tests need
# (Debian packages and Go-built validators via setup-validators.sh, npm packages via npm ci), skipping
# whatever is already there, then type-checks and runs every test. A missing validator fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== validators" >&2
bash scripts/setup-validators.sh
# The validators folder (docker-compose) and Go's own folder, wherever the caller's PATH stops.
PATH="$(bash scripts/validator-path.sh):$PATH:/usr/local/go/bin"
export PATH

echo "== npm dependencies and build" >&2
bash scripts/ensure-deps.sh

echo "== type check" >&2
npx tsc -p tsconfig.test.json --noEmit

echo "== tests" >&2
mapfile -t test_files < <(find test -name '*.test.ts' -not -path 'test/fixtures/*' | sort)
node --import tsx --test --test-concurrency=2 "${test_files[@]}"
