;; Opens (creating) "held.txt" and the directory "." in the preopen at fd 3, keeps both open,
;; writes "opened\n" to stdout, then traps with `unreachable`. Exits 1 if an open fails.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "held.txt")
  (data (i32.const 80) ".")
  (data (i32.const 128) "opened\n")
  (func (export "_start")
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 8)
          (i32.const 1) (i64.const 66) (i64.const 0) (i32.const 0) (i32.const 16))
      (then (call $proc_exit (i32.const 1))))
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 80) (i32.const 1)
          (i32.const 2) (i64.const 16384) (i64.const 0) (i32.const 0) (i32.const 20))
      (then (call $proc_exit (i32.const 1))))
    (i32.store (i32.const 0) (i32.const 128))
    (i32.store (i32.const 4) (i32.const 7))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    unreachable))
