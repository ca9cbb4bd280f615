;; sleep: poll_oneoff on one relative monotonic clock of 2 seconds, then exits 0 (1 if the call failed).
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; subscription at 0: userdata 1, tag 0 (clock), id 1 (monotonic), timeout 2 s, precision 0, flags 0
    (i64.store (i32.const 0) (i64.const 1))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 2000000000))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (if (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))
      (then (call $proc_exit (i32.const 1))))))
