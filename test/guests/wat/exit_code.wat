;; exit_code.wat - proc_exit with a non-zero code from hand-written wasm.
;; Writes "exit_code: exiting with 99\n" to stdout, then proc_exit(99).
;; The instructions after proc_exit must never run (they would print FAIL
;; and trap). Expected: exit status 99, stdout exactly the line above.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "exit_code: exiting with 99\n")
  (data (i32.const 64) "FAIL exit_code.wat: proc_exit returned\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 27))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 99))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 39))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    unreachable))
