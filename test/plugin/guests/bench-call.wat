;; The guest of bench/plugin-call.mjs: calls `echo` N times, through the plugin runtime
;; (bench:echo/api@0.1.0#echo: func(s: string) -> string) or through a raw import
;; (bench:raw echo(ptr, len, outptr) -> i32) that the benchmark implements by hand.
;; build.sh also makes bench-call-nr.wasm from this file without the cabi_realloc export; its
;; `loop-buffers` takes each result's buffer into memory.
(module
  (import "bench:echo/api@0.1.0" "echo" (func $echo (param i32 i32 i32)))
  (import "bench:raw" "echo" (func $raw (param i32 i32 i32) (result i32)))
  (import "warden:abi/buffers" "take" (func $take (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (func (export "cabi_realloc") (param $op i32) (param $os i32) (param $al i32) (param $sz i32) (result i32)
    (local $p i32)
    global.get $heap
    local.get $al
    i32.add
    i32.const 1
    i32.sub
    i32.const 0
    local.get $al
    i32.sub
    i32.and
    local.tee $p
    local.get $sz
    i32.add
    global.set $heap
    (block $done
      (loop $grow
        global.get $heap
        memory.size
        i32.const 16
        i32.shl
        i32.le_u
        br_if $done
        i32.const 1
        memory.grow
        i32.const -1
        i32.eq
        if
          unreachable
        end
        br $grow))
    local.get $p)
  ;; echo(ptr, len) n times; the result is dropped by resetting the bump allocator.
  (func (export "loop") (param $n i32) (param $ptr i32) (param $len i32)
    (loop $l
      local.get $ptr
      local.get $len
      i32.const 1024
      call $echo
      i32.const 65536
      global.set $heap
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $l))
  ;; The same without an allocator: the result is a buffer, taken into [8192, 8192+4096).
  (func (export "loop-buffers") (param $n i32) (param $ptr i32) (param $len i32)
    (loop $l
      local.get $ptr
      local.get $len
      i32.const 1024
      call $echo
      i32.const 1024
      i32.load
      i32.const 8192
      i32.const 4096
      call $take
      drop
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $l))
  (func (export "loop-raw") (param $n i32) (param $ptr i32) (param $len i32)
    (loop $l
      local.get $ptr
      local.get $len
      i32.const 1024
      call $raw
      drop
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $l)))
