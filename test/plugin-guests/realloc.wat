;; Hostile guest: a cabi_realloc that answers badly. The return areas are fine; what the host
;; allocates for the string ("hostile", 7 bytes, align 1) or the list ([1, 2, 3], 12 bytes,
;; align 4) is not. $mode picks the answer.
(module
  (import "warden:test/hostile@0.1.0" "return-string" (func $string (param i32)))
  (import "warden:test/hostile@0.1.0" "return-list" (func $list (param i32)))
  (memory (export "memory") 1)
  (global $mode (mut i32) (i32.const 0))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 0xffffff00))))
    (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 65534))))  ;; 65534 + 7 > 65536
    (if (i32.eq (global.get $mode) (i32.const 3)) (then (return (i32.const 1026))))   ;; not 4-aligned
    unreachable)
  (func (export "case-realloc-out-of-bounds") (global.set $mode (i32.const 1)) (call $string (i32.const 64)))
  (func (export "case-realloc-straddles-end") (global.set $mode (i32.const 2)) (call $string (i32.const 64)))
  (func (export "case-realloc-misaligned") (global.set $mode (i32.const 3)) (call $list (i32.const 64)))
  (func (export "case-realloc-traps") (global.set $mode (i32.const 4)) (call $string (i32.const 64)))
)
