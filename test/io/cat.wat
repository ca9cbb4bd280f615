;; cat: copies fd 0 to fd 1 in 4 KiB reads until end of stream, then exits 0 (1 on a read error,
;; 2 on a write error).
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $n i32)
    (loop $more
      ;; iovec at 0: buf 1024, len 4096; nread at 16
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 4096))
      (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16))
        (then (call $proc_exit (i32.const 1))))
      (local.set $n (i32.load (i32.const 16)))
      (if (i32.eqz (local.get $n)) (then (return)))
      (i32.store (i32.const 8) (i32.const 1024))
      (i32.store (i32.const 12) (local.get $n))
      (if (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 20))
        (then (call $proc_exit (i32.const 2))))
      (br $more))))
