#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need.
# Idempotent and fast when everything is present: apt runs only for missing packages.
# Package lists live in scripts/packages/*.txt (one package per line, # comments).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

mapfile -t wanted < <(cat "$here"/packages/*.txt | sed -e 's/#.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)
missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
    echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "setup: all ${#wanted[@]} Debian packages present"
fi

# Extra per-area setup steps (e.g. conformance clients), each idempotent.
for step in "$here"/setup.d/*.sh; do
    [[ -e "$step" ]] || continue
    bash "$step"
done
