;; Hostile guest: take-option(maybe: option<u32>), flattened to (i32 disc, i32 payload).
;; option has 2 cases (none = 0, some = 1); the discriminant is compared as a whole i32.
(module
  (import "warden:test/hostile@0.1.0" "take-option" (func $take (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "case-option-ok") (call $take (i32.const 1) (i32.const 7)))
  (func (export "case-option-disc-two") (call $take (i32.const 2) (i32.const 7)))
  ;; 256 would be 0 (none) if the i32 were truncated to the u8 discriminant: it must trap
  (func (export "case-option-disc-big") (call $take (i32.const 256) (i32.const 7)))
)
