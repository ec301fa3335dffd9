#!/usr/bin/env bash
# `npm test`: install, provision what the suites need, then lint, typecheck, build and every test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(repo_root)"
require_node
install_dependencies
bash scripts/provision.sh
pnpm_cmd exec turbo run lint typecheck build test test:e2e --continue --output-logs=new-only "$@"
