#!/usr/bin/env bash
# Rebuilds the hostile guests of test/security/ (the built .wasm files are committed: CI has no clang):
#   test/security/c/<name>.c     -> bin/<name>.wasm   (clang + wasi-libc)
#   test/security/wat/<name>.wat -> bin/<name>.wasm   (wat2wasm; wat/src/gen.py regenerates the .wat)
# Same tools, flags and overrides as test/guests/build.sh, which does the work.
# Usage: bash test/security/build.sh [name ...]   (no names = build everything)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GUEST_DIR="$here" exec bash "$here/../guests/build.sh" "$@"
