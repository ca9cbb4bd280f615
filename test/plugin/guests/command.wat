;; A command module (it has _start) of world kv-guest: it writes "count=" and the store's count as
;; one digit to stdout, then exits with the count as its exit code.
(module
  (import "warden:kv/store@0.1.0" "count" (func $count (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "count=?\n")
  (func (export "_start")
    (local $n i32)
    call $count
    local.set $n
    i32.const 106
    local.get $n
    i32.const 48
    i32.add
    i32.store8
    ;; iovec at 16: { 100, 8 }
    i32.const 16
    i32.const 100
    i32.store
    i32.const 20
    i32.const 8
    i32.store
    i32.const 1
    i32.const 16
    i32.const 1
    i32.const 24
    call $fd_write
    drop
    local.get $n
    call $proc_exit))
