#!/usr/bin/env bash
# `npm start`: install, build what changed (turbo cache), start the API on embedded defaults.
# Says what it is doing at each step; the API then logs its own start-up and prints its URLs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(repo_root)"
require_node
install_dependencies_if_changed
phase 'building the API and its packages (turbo, unchanged ones come from its cache)' \
  node_modules/.bin/turbo run build --filter=@authbench/api... --output-logs=errors-only
echo 'starting the API (node apps/api/dist/main.js)…'
exec node apps/api/dist/main.js
