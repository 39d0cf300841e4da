#!/usr/bin/env bash
# Installs the real Kubernetes clients the conformance suite (tests/conformance/) drives,
# into one cache folder the tests read:
#   $BH_CONFORMANCE_DIR (default /var/cache/boilerhouse-conformance)
#     bin/kubectl-1.20   Debian's kubernetes-client 1.20.2 (apt-get download + dpkg -x: the
#                        package conflicts with the preinstalled gcloud `kubectl` package)
#     bin/kubectl-1.33   symlink to the fixed-version kubectl.1.33 of the `kubectl` package
#     node/node_modules/@kubernetes/client-node   npm @kubernetes/client-node@1.4.0
# python3-kubernetes, openssl, curl and nodejs/npm come from scripts/packages/conformance.txt.
# Idempotent; fast when everything is present. Any client it cannot provide is an error
# here (fatal with BH_CONFORMANCE_STRICT=1) and a test FAILURE later (never a skip).
set -euo pipefail

dir="${BH_CONFORMANCE_DIR:-/var/cache/boilerhouse-conformance}"
client_node_version="1.4.0"
mkdir -p "$dir/bin"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
failed=0

# --- kubectl 1.20 (Debian kubernetes-client) ---------------------------------------------
k120="$dir/bin/kubectl-1.20"
fetch_k120() {
    echo "conformance: fetching Debian kubernetes-client (kubectl 1.20)"
    local work
    work="$(mktemp -d)"
    if ! (cd "$work" && apt-get download kubernetes-client >/dev/null 2>&1); then
        "${sudo_cmd[@]}" apt-get update -qq
        (cd "$work" && apt-get download kubernetes-client) || { rm -rf "$work"; return 1; }
    fi
    rm -rf "$dir/kubernetes-client"
    dpkg -x "$work"/kubernetes-client_*.deb "$dir/kubernetes-client" || { rm -rf "$work"; return 1; }
    rm -rf "$work"
    ln -sfn "$dir/kubernetes-client/usr/bin/kubectl" "$k120"
}
if ! [[ -x "$k120" ]] || ! "$k120" version --client --short 2>/dev/null | grep -q 'v1\.20\.'; then
    fetch_k120 || true
fi
if "$k120" version --client --short 2>/dev/null | grep -q 'v1\.20\.'; then
    echo "conformance: kubectl 1.20 at $k120"
else
    echo "conformance: ERROR: kubectl 1.20 not usable at $k120" >&2
    failed=1
fi

# --- kubectl 1.33 (fixed-version binary of the preinstalled gcloud kubectl package) -------
find_k133() { dpkg -L kubectl 2>/dev/null | grep -E '/kubectl\.1\.33$' | head -n1 || true; }
k133src="$(find_k133)"
if [[ -z "$k133src" ]]; then
    echo "conformance: kubectl.1.33 not installed; trying apt (kubectl / google-cloud-cli)"
    "${sudo_cmd[@]}" apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq kubectl || true
    k133src="$(find_k133)"
fi
if [[ -n "$k133src" && -x "$k133src" ]]; then
    ln -sfn "$k133src" "$dir/bin/kubectl-1.33"
    echo "conformance: kubectl 1.33 at $k133src"
else
    rm -f "$dir/bin/kubectl-1.33"
    echo "conformance: ERROR: no kubectl.1.33 (package 'kubectl' from the Google Cloud SDK apt source)" >&2
    failed=1
fi

# --- @kubernetes/client-node 1.4.0 (2.x crashes at import on Node 20) ---------------------
pkgjson="$dir/node/node_modules/@kubernetes/client-node/package.json"
if ! [[ -f "$pkgjson" ]] || ! grep -q "\"version\": \"$client_node_version\"" "$pkgjson"; then
    if ! command -v npm >/dev/null; then
        # Not in scripts/packages: Debian's npm package conflicts with NodeSource's nodejs,
        # which bundles npm; install it only where npm is really missing.
        echo "conformance: installing Debian's npm"
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm || true
    fi
    echo "conformance: npm install @kubernetes/client-node@$client_node_version"
    mkdir -p "$dir/node"
    npm install --prefix "$dir/node" --no-audit --no-fund --loglevel=error \
        "@kubernetes/client-node@$client_node_version" || true
fi
if grep -q "\"version\": \"$client_node_version\"" "$pkgjson" 2>/dev/null; then
    echo "conformance: client-node $client_node_version in $dir/node"
else
    echo "conformance: ERROR: @kubernetes/client-node@$client_node_version missing" >&2
    failed=1
fi

# --- python3-kubernetes (Debian package; run with /usr/bin/python3) -----------------------
if /usr/bin/python3 -c 'import kubernetes' 2>/dev/null; then
    echo "conformance: python3-kubernetes $(/usr/bin/python3 -c 'import kubernetes; print(kubernetes.__version__)')"
else
    echo "conformance: ERROR: /usr/bin/python3 cannot import kubernetes (python3-kubernetes)" >&2
    failed=1
fi

if ((failed)); then
    # Not fatal here so the rest of the build and tests still run; the conformance tests
    # fail loudly on the missing client. BH_CONFORMANCE_STRICT=1 makes it fatal here too.
    echo "conformance: ERROR: some clients are missing; tests labelled 'conformance' will FAIL" >&2
    [[ "${BH_CONFORMANCE_STRICT:-0}" != 1 ]] || exit 1
fi
