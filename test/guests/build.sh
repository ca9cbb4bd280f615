#!/usr/bin/env bash
# Rebuilds every guest program under test/guests/bin/ from its source:
#   test/guests/c/<name>.c     -> bin/<name>.wasm   (clang + wasi-libc)
#   test/guests/wat/<name>.wat -> bin/<name>.wasm   (wat2wasm)
#
# Usage: bash test/guests/build.sh [name ...]   (no names = build everything)
#
# Needs, on Debian/Ubuntu:
#   apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt
# (libclang-rt-<N>-dev-wasm32 must match clang's major version.)
# Elsewhere, point WASI_SYSROOT at a wasi-sdk / wasi-libc sysroot and CC at a
# clang that can target wasm32-wasi.
set -euo pipefail

# GUEST_DIR: build another folder laid out the same way (c/, wat/, bin/); test/security/build.sh does.
here="${GUEST_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
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

# Pick a target triple and sysroot clang accepts.
sysroot_args=()
if [[ -n "${WASI_SYSROOT:-}" ]]; then
  sysroot_args=(--sysroot="$WASI_SYSROOT")
elif [[ -d /usr/share/wasi-sysroot ]]; then
  sysroot_args=(--sysroot=/usr/share/wasi-sysroot)
fi # else: Debian's wasi-libc lives in /usr/{include,lib}/wasm32-wasi, clang's default

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
  echo "build.sh: the failing command was:" >&2
  echo "  $CC --target=wasm32-wasi ${sysroot_args[*]} -O2 -o p.wasm p.c" >&2
  "$CC" --target=wasm32-wasi "${sysroot_args[@]}" -O2 -o "$probe/p.wasm" "$probe/p.c" >&2 || true
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
