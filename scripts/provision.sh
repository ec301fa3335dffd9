#!/usr/bin/env bash
# Makes sure the system programs the test suites use are present. As root with apt-get
# it installs what is missing; otherwise it prints exactly what to install. Suites that
# need a missing program say so and skip outside CI; in CI (CI=true) they fail instead.
set -euo pipefail

declare -A missing=()
have_python_module() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $1" 2>/dev/null; }

command -v redis-server >/dev/null || missing[redis-server]=1
command -v redis-cli >/dev/null || missing[redis-server]=1
have_python_module itsdangerous || missing[python3-itsdangerous]=1
have_python_module jwt || missing[python3-jwt]=1
have_python_module flask || missing[python3-flask]=1
command -v gunicorn >/dev/null || missing[gunicorn]=1
[ -x /usr/bin/chromium ] || missing[chromium]=1
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing[postgresql-15]=1

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

packages="${!missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "provision: installing ${packages}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends ${packages} >/dev/null
else
  echo "provision: missing system packages: ${packages}"
  echo "provision: install them with: sudo apt-get install -y ${packages}"
  echo "provision: suites that need them will say so and skip (they fail under CI=true)."
fi
