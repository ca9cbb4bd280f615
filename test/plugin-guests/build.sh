#!/usr/bin/env bash
# Rebuilds the hostile plugin guests (*.wat -> *.wasm, Debian package: wabt) and the C examples
# they sit beside (examples/kv/build.sh, needs clang for wasm32-wasi).
# Usage: bash test/plugin-guests/build.sh [--no-c]
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get install wabt" >&2; exit 1; }
for w in *.wat; do wat2wasm "$w" -o "${w%.wat}.wasm"; echo "built ${w%.wat}.wasm"; done
if [[ "${1:-}" != "--no-c" ]]; then bash ../../examples/kv/build.sh; fi
