#!/usr/bin/env bash
# Rebuilds the kv examples (C, wasm32-wasi reactors). Needs Debian's clang, lld, wasi-libc and
# libclang-rt-14-dev-wasm32 (wabt's wasm-objdump for the checks at the end).
#   guest.wasm          world kv-guest, with the hand-written wit-bindgen-style bindings kv_guest.c
#   guest-noalloc.wasm  the same guest without cabi_realloc, using include/warden/buffers.h
#   plugin.wasm         exports warden:kv/store@0.1.0 (an in-memory store), for composition
set -euo pipefail
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 1; }
CFLAGS=(--target=wasm32-wasi -O2 -std=c99 -Wall -Wextra -mexec-model=reactor -I ../../include -Wl,--strip-all)
clang "${CFLAGS[@]}" -o guest.wasm guest.c kv_guest.c
clang "${CFLAGS[@]}" -o guest-noalloc.wasm guest-noalloc.c
clang "${CFLAGS[@]}" -o plugin.wasm plugin.c
if command -v wasm-objdump >/dev/null; then
  if wasm-objdump -x -j Export guest-noalloc.wasm | grep -q cabi_realloc; then
    echo "guest-noalloc.wasm must not export cabi_realloc" >&2; exit 1
  fi
fi
echo "built guest.wasm guest-noalloc.wasm plugin.wasm"
