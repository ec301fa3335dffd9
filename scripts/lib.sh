# Shared by start.sh, test.sh and bench.sh. Sourced, not run.
# Only Node >= 20.19 and npm are assumed; the pinned pnpm comes through npx.

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

NODE_VERSION=''
require_node() {
  local major minor
  NODE_VERSION=$(node -p 'process.versions.node')
  IFS=. read -r major minor _ <<<"$NODE_VERSION"
  if (( major < 20 || (major == 20 && minor < 19) )); then
    echo "authbench needs Node >= 20.19 (require(esm) and the ESM-only NestJS 12); found $(node -v)." >&2
    exit 1
  fi
}

pnpm_version() { node -p "require('./package.json').packageManager.split('@')[1]"; }

# The pinned pnpm, found through npx once per script (each npx call costs about a second) and
# put on PATH, where turbo also looks for it.
PNPM_BIN=''
pnpm_cmd() {
  if [ -z "$PNPM_BIN" ]; then
    PNPM_BIN=$(npx --yes -p "pnpm@$(pnpm_version)" -c 'command -v pnpm')
    PATH="$(dirname "$PNPM_BIN"):$PATH"
    export PATH
  fi
  "$PNPM_BIN" "$@"
}

install_dependencies() {
  # --frozen-lockfile: a start or a test never rewrites the committed lockfile.
  pnpm_cmd install --frozen-lockfile --prefer-offline --reporter=silent
}

now_ms() { date +%s%3N; }

# `phase WHAT COMMAND...`: says what start-up is doing before it does it, then how long it took.
# The command's own output goes to a file, shown only if it fails.
phase() {
  local what="$1" started log status=0
  shift
  started=$(now_ms)
  log=$(mktemp "${TMPDIR:-/tmp}/authbench-phase.XXXXXX")
  if [ -t 1 ]; then printf '%s… ' "$what"; else printf '%s…\n' "$what"; fi
  "$@" >"$log" 2>&1 || status=$?
  local took
  took=$(awk -v ms="$(($(now_ms) - started))" 'BEGIN { printf "%.1f s", ms / 1000 }')
  if [ "$status" -ne 0 ]; then
    if [ -t 1 ]; then echo; fi
    printf '%s: failed after %s:\n' "$what" "$took"
    cat "$log"
    rm -f "$log"
    return "$status"
  fi
  local detail=''
  # turbo's summary line, e.g. "Cached:    6 cached, 6 total".
  detail=$(sed -n 's/^ *Cached: *\([0-9]*\) cached, \([0-9]*\) total.*/, \1 of \2 packages cached/p' "$log" | tail -1)
  rm -f "$log"
  if [ -t 1 ]; then printf '%s%s\n' "$took" "$detail"; else printf '%s: done in %s%s\n' "$what" "$took" "$detail"; fi
}

# What an install depends on: the Node version, the lockfile, the workspace list and
# every package.json (pnpm's own settings files too, when present). Cheap: no pnpm, no npx.
install_inputs_digest() {
  {
    # Node's version as require_node read it (one Node process less on every start).
    echo "node ${NODE_VERSION:-$(node -p 'process.versions.node')}"
    cat pnpm-lock.yaml pnpm-workspace.yaml .npmrc .pnpmfile.cjs 2>/dev/null || true
    find . -maxdepth 3 -name package.json -not -path '*/node_modules/*' -not -path './.git/*' \
      | LC_ALL=C sort | xargs cat
  } | sha256sum | cut -d' ' -f1
}

# Written inside node_modules after an install succeeds, so deleting node_modules forgets it.
INSTALL_STAMP=node_modules/.authbench-install-stamp

# `npm start`'s install step: skipped when nothing it depends on changed since the last
# successful one here (the check that pnpm would do costs ~2 s: npx, then pnpm itself). The stamp
# also remembers where the pinned pnpm is, which turbo needs on PATH if it has to build.
install_dependencies_if_changed() {
  local digest stamped_digest='' stamped_pnpm=''
  digest=$(install_inputs_digest)
  if [ -f "$INSTALL_STAMP" ]; then
    { read -r stamped_digest; read -r stamped_pnpm; } <"$INSTALL_STAMP" || true
  fi
  if [ "$digest" = "$stamped_digest" ] && [ -x "$stamped_pnpm" ]; then
    PNPM_BIN=$stamped_pnpm
    PATH="$(dirname "$PNPM_BIN"):$PATH"
    export PATH
    echo 'installing dependencies: skipped, lockfile and package.json files unchanged since the last install'
    return 0
  fi
  phase 'installing dependencies (pnpm install --frozen-lockfile)' install_dependencies
  printf '%s\n%s\n' "$digest" "$PNPM_BIN" >"$INSTALL_STAMP"
}
