#!/usr/bin/env bash
# Rebuilds the I/O test fixtures: the WAT ones (Debian package: wabt) and fdtool.c
# (Debian packages: clang lld wasi-libc libclang-rt-14-dev-wasm32).
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get install wabt" >&2; exit 1; }
for w in *.wat; do wat2wasm "$w" -o "${w%.wat}.wasm"; echo "built ${w%.wat}.wasm"; done
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
clang --target=wasm32-wasi -O2 -o fdtool.wasm fdtool.c && echo "built fdtool.wasm"
