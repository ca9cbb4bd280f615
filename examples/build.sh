#!/usr/bin/env bash
# Rebuilds the example programs. Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -euo pipefail
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
for c in hello/hello.c ls-cat/ls-cat.c; do
  clang --target=wasm32-wasi -O2 -Wall -Wextra -Wl,--strip-all -o "${c%.c}.wasm" "$c"
  echo "built ${c%.c}.wasm"
done
bash "$(dirname "$0")/kv/build.sh"
