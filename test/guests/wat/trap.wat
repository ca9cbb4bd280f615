;; trap.wat - a guest that traps (unreachable) after writing output.
;; Writes "before trap\n" to stdout, then executes `unreachable`.
;; Expected: the run ends with a trap (not a clean exit); the output written
;; before the trap is delivered exactly: "before trap\n".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "before trap\n")
  (func $deeper (param $n i32)
    (if (i32.eqz (local.get $n)) (then unreachable))
    (call $deeper (i32.sub (local.get $n) (i32.const 1))))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; trap a few frames down the stack
    (call $deeper (i32.const 3))))
