#!/usr/bin/env bash
# Rebuilds the hostile guests of test/security/ (the built .wasm files are
# committed: CI has no clang):
#   test/security/c/<name>.c     -> bin/<name>.wasm   (clang + wasi-libc)
#   test/security/wat/<name>.wat -> bin/<name>.wasm   (wat2wasm)
#
# Usage: bash test/security/build.sh [name ...]   (no names = build everything)
#
# Same tools, flags and overrides (CC, WAT2WASM, WASI_SYSROOT, WASI_TARGET)
# as test/guests/build.sh; on Debian/Ubuntu:
#   apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

CC="${CC:-clang}"
WAT2WASM="${WAT2WASM:-wat2wasm}"
PKGS="clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt"

missing=()
command -v "$CC" >/dev/null 2>&1 || missing+=("$CC (Debian: clang lld)")
command -v "$WAT2WASM" >/dev/null 2>&1 || missing+=("$WAT2WASM (Debian: wabt)")
if ((${#missing[@]})); then
  echo "build.sh: missing tools: ${missing[*]}" >&2
  echo "build.sh: on Debian/Ubuntu run: apt-get install -y $PKGS" >&2
  exit 1
fi

sysroot_args=()
if [[ -n "${WASI_SYSROOT:-}" ]]; then
  sysroot_args=(--sysroot="$WASI_SYSROOT")
elif [[ -d /usr/share/wasi-sysroot ]]; then
  sysroot_args=(--sysroot=/usr/share/wasi-sysroot)
fi

probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'int main(void){return 0;}' >"$probe/p.c"
TARGET=""
for t in ${WASI_TARGET:-wasm32-wasip1 wasm32-wasi}; do
  if "$CC" --target="$t" "${sysroot_args[@]}" -O2 -o "$probe/p.wasm" "$probe/p.c" >/dev/null 2>&1; then
    TARGET="$t"
    break
  fi
done
if [[ -z "$TARGET" ]]; then
  echo "build.sh: $CC cannot link a wasm32-wasi program (tried wasm32-wasip1, wasm32-wasi)." >&2
  echo "build.sh: on Debian/Ubuntu run: apt-get install -y $PKGS" >&2
  exit 1
fi

CFLAGS=(--target="$TARGET" "${sysroot_args[@]}" -O2 -std=gnu11 -Wl,--strip-debug -Wall -Wextra
        -Wno-unused-parameter -Wno-unused-function -Werror=implicit-function-declaration)

mkdir -p bin
want=("$@")
selected() {
  ((${#want[@]} == 0)) && return 0
  local n
  for n in "${want[@]}"; do [[ "$n" == "$1" ]] && return 0; done
  return 1
}

built=0
failed=()
for src in c/*.c; do
  name="$(basename "$src" .c)"
  selected "$name" || continue
  if "$CC" "${CFLAGS[@]}" -o "bin/$name.wasm.tmp" "$src"; then
    mv "bin/$name.wasm.tmp" "bin/$name.wasm"
    built=$((built + 1))
  else
    rm -f "bin/$name.wasm.tmp"
    failed+=("$src")
  fi
done
for src in wat/*.wat; do
  [[ -e "$src" ]] || continue
  name="$(basename "$src" .wat)"
  selected "$name" || continue
  if "$WAT2WASM" -o "bin/$name.wasm.tmp" "$src"; then
    mv "bin/$name.wasm.tmp" "bin/$name.wasm"
    built=$((built + 1))
  else
    rm -f "bin/$name.wasm.tmp"
    failed+=("$src")
  fi
done
echo "build.sh: built $built guest(s) into $here/bin (clang target $TARGET)"
if ((${#failed[@]})); then
  echo "build.sh: FAILED to build: ${failed[*]}" >&2
  exit 1
fi
