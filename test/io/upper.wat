;; upper: a filter: copies fd 0 to fd 1 in 4 KiB reads, turning ASCII a-z into A-Z, until end of
;; stream; exits 0 (1 on a read error, 2 on a write error).
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $n i32) (local $i i32) (local $c i32)
    (loop $more
      ;; iovec at 0: buf 1024, len 4096; nread at 16
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 4096))
      (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16))
        (then (call $proc_exit (i32.const 1))))
      (local.set $n (i32.load (i32.const 16)))
      (if (i32.eqz (local.get $n)) (then (return)))
      (local.set $i (i32.const 0))
      (block $done
        (loop $each
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $c (i32.load8_u (i32.add (i32.const 1024) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
            (then (i32.store8 (i32.add (i32.const 1024) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $each)))
      (i32.store (i32.const 8) (i32.const 1024))
      (i32.store (i32.const 12) (local.get $n))
      (if (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 20))
        (then (call $proc_exit (i32.const 2))))
      (br $more))))
