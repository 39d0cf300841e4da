#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs boilerhouse-server
# on the simulated cluster (embedded Kubernetes API simulator + live demo scenario).
#   PORT=3000 (default)  LISTEN_HOST=127.0.0.1 (default); extra arguments go to the server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
BUILD_DIR="$root/build" bash scripts/build.sh -DBH_WERROR=ON
export QT_NO_GLIB=1
exec "$root/build/server/app/boilerhouse-server" --simulate --port "${PORT:-3000}" "$@"
