#!/usr/bin/env bash
# Rebuilds the benchmark guests: bench/guests/<name>.c -> bench/guests/<name>.wasm.
# The .wasm files are committed; this is only needed after changing a .c file.
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (or CC / WASI_SYSROOT).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
CC="${CC:-clang}"
sysroot_args=()
[[ -n "${WASI_SYSROOT:-}" ]] && sysroot_args=(--sysroot="$WASI_SYSROOT")
for src in *.c; do
  name="$(basename "$src" .c)"
  "$CC" --target=wasm32-wasi "${sysroot_args[@]}" -O2 -Wall -Wextra -Wl,--strip-all -o "$name.wasm" "$src"
done
ls -l *.wasm
