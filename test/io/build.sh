#!/usr/bin/env bash
# Rebuilds the I/O test fixtures from WAT (Debian package: wabt).
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get install wabt" >&2; exit 1; }
for w in *.wat; do wat2wasm "$w" -o "${w%.wat}.wasm"; echo "built ${w%.wat}.wasm"; done
