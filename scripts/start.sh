#!/usr/bin/env bash
# `npm start`: install, build what changed (turbo cache), start the API on embedded defaults.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(repo_root)"
require_node
install_dependencies
pnpm_cmd exec turbo run build --filter=@authbench/api... --output-logs=errors-only
exec node apps/api/dist/main.js
