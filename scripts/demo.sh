#!/usr/bin/env bash
# The main job on the bundled sample app: copies examples/sample-app into a folder of its own (default
# ./demo) and runs `phase4 --defaults` there. Re-running it is safe: unchanged files are left alone and
# files you edited in the folder are reported as conflicts, never overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-demo}

bash scripts/ensure-deps.sh
mkdir -p "$target"
if [ ! -f "$target/.phase4/manifest.json" ]; then
  cp -R examples/sample-app/. "$target/"
fi
node dist/bin/phase4.js --defaults -C "$target"
echo "Scaffolded into $target/ (see $target/docs/phase4.md)." >&2
