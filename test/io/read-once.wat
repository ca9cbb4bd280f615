;; read-once: one fd_read of up to 5 bytes from fd 3, written to fd 1; then closes fd 3 and exits 0
;; (1 if the read failed, 2 if the close failed).
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 5))
    (if (call $fd_read (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 16))
      (then (call $proc_exit (i32.const 1))))
    (i32.store (i32.const 8) (i32.const 1024))
    (i32.store (i32.const 12) (i32.load (i32.const 16)))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 20)))
    (if (call $fd_close (i32.const 3))
      (then (call $proc_exit (i32.const 2))))))
