;; Hostile guest: take-variant(form: shape) where
;; variant shape { point, circle(u32), named(string) }, flattened to (i32 disc, i32, i32).
(module
  (import "warden:test/hostile@0.1.0" "take-variant" (func $take (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (data (i32.const 32) "ab\80")         ;; lone continuation byte at byte 2
  (func (export "case-variant-ok") (call $take (i32.const 2) (i32.const 16) (i32.const 5)))
  (func (export "case-variant-disc-three") (call $take (i32.const 3) (i32.const 0) (i32.const 0)))
  (func (export "case-variant-disc-all-ones") (call $take (i32.const 0xffffffff) (i32.const 0) (i32.const 0)))
  (func (export "case-variant-payload-bad-utf8") (call $take (i32.const 2) (i32.const 32) (i32.const 3)))
)
