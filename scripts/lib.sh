# Shared by start.sh, test.sh and bench.sh. Sourced, not run.
# Only Node >= 20.19 and npm are assumed; the pinned pnpm comes through npx.

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

require_node() {
  local major minor
  IFS=. read -r major minor _ <<<"$(node -p 'process.versions.node')"
  if (( major < 20 || (major == 20 && minor < 19) )); then
    echo "authbench needs Node >= 20.19 (require(esm) and the ESM-only NestJS 12); found $(node -v)." >&2
    exit 1
  fi
}

pnpm_version() { node -p "require('./package.json').packageManager.split('@')[1]"; }

pnpm_cmd() { npx --yes "pnpm@$(pnpm_version)" "$@"; }

install_dependencies() {
  # --frozen-lockfile: a start or a test never rewrites the committed lockfile.
  pnpm_cmd install --frozen-lockfile --prefer-offline --reporter=silent
}
