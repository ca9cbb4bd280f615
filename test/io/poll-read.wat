;; poll-read: poll_oneoff on fd 0 for reading (userdata 7) together with a 5-second relative clock
;; (userdata 9); writes one byte to fd 1: "r" if the fd event came first, "t" if the clock did.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 512) "rt")
  (func (export "_start")
    ;; subscription 0 at 0: userdata 7, tag 1 (fd_read), fd 0
    (i64.store (i32.const 0) (i64.const 7))
    (i32.store8 (i32.const 8) (i32.const 1))
    (i32.store (i32.const 16) (i32.const 0))
    ;; subscription 1 at 48: userdata 9, tag 0 (clock), id 1 (monotonic), timeout 5 s, flags 0
    (i64.store (i32.const 48) (i64.const 9))
    (i32.store8 (i32.const 56) (i32.const 0))
    (i32.store (i32.const 64) (i32.const 1))
    (i64.store (i32.const 72) (i64.const 5000000000))
    (i64.store (i32.const 80) (i64.const 0))
    (i32.store16 (i32.const 88) (i32.const 0))
    (if (call $poll (i32.const 0) (i32.const 128) (i32.const 2) (i32.const 400))
      (then (call $proc_exit (i32.const 1))))
    ;; first event's userdata at 128
    (i32.store (i32.const 300) (select (i32.const 512) (i32.const 513) (i64.eq (i64.load (i32.const 128)) (i64.const 7))))
    (i32.store (i32.const 304) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 308)))))
