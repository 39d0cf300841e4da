#!/usr/bin/env bash
# Screenshot of the inspector on the simulated cluster -> docs/inspector.png.
#   scripts/screenshot-inspector.sh [BUILD_DIR] [OUTPUT_PNG]
# Builds nothing: needs BUILD_DIR/server/app/boilerhouse-server and
# BUILD_DIR/inspector-gui/src/boilerhouse-inspector (default BUILD_DIR: ./build).
# Starts boilerhouse-server --simulate on port 0, then the inspector under
# xvfb-run -a -s "-screen 0 1400x900x24" (connected through --url/--connect), waits until the
# window shows data (instances in the REST snapshot and events in the feed; bounded by
# SHOT_TIMEOUT seconds, default 60) plus SHOT_SETTLE seconds (default 20) so the rate chart has
# a history, and captures the root window with ImageMagick's `import`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
out="${2:-$root/docs/inspector.png}"
timeout_s="${SHOT_TIMEOUT:-60}"
settle_s="${SHOT_SETTLE:-20}"
server_bin="$build/server/app/boilerhouse-server"
inspector_bin="$build/inspector-gui/src/boilerhouse-inspector"
for bin in "$server_bin" "$inspector_bin"; do
    [[ -x "$bin" ]] || { echo "screenshot: $bin is missing (build it first)" >&2; exit 1; }
done
for tool in xvfb-run import curl; do
    command -v "$tool" >/dev/null || { echo "screenshot: $tool not found (scripts/setup.sh installs it)" >&2; exit 1; }
done

work="$(mktemp -d)"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" --simulate --port 0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=""
for ((i = 0; i < timeout_s * 10; i++)); do
    url="$(sed -n '1s/^listening on \(http[^ ]*\)$/\1/p' "$work/server.out")"
    [[ -n "$url" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$url" ]] || { echo "screenshot: server did not report its URL" >&2; exit 1; }
echo "screenshot: server at $url"

# Inside Xvfb: start the inspector with its own settings directory, wait for data, capture.
cat >"$work/inside.sh" <<INSIDE
#!/usr/bin/env bash
set -euo pipefail
export XDG_CONFIG_HOME="$work/config"
"$inspector_bin" --url "$url" --connect >"$work/inspector.log" 2>&1 &
pid=\$!
for ((i = 0; i < $timeout_s * 10; i++)); do
    n=\$(curl -s "$url/api/v1/instances" | grep -o '"name"' | wc -l || true)
    [[ "\$n" -gt 0 ]] && grep -q "ConnectionState::Live" "$work/inspector.log" && break
    sleep 0.1
done
sleep "$settle_s"
import -window root "$work/shot.png"
kill \$pid
wait \$pid 2>/dev/null || true
INSIDE
chmod +x "$work/inside.sh"
xvfb-run -a -s "-screen 0 1400x900x24" "$work/inside.sh"
mkdir -p "$(dirname "$out")"
cp "$work/shot.png" "$out"
echo "screenshot: wrote $out"
