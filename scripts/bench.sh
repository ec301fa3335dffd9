#!/usr/bin/env bash
# `npm run bench`: build, then run the benchmark harness (arguments pass through, e.g. --quick).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(repo_root)"
require_node
install_dependencies
pnpm_cmd exec turbo run build --output-logs=errors-only
# exec: Ctrl-C and SIGTERM reach the harness directly, which stops everything it started.
exec node benchmarks/dist/cli.js "$@"
