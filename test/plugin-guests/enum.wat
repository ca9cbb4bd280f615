;; Hostile guest: take-enum(hue: color) where enum color { red, green, blue }, flattened to (i32).
(module
  (import "warden:test/hostile@0.1.0" "take-enum" (func $take (param i32)))
  (memory (export "memory") 1)
  (func (export "case-enum-ok") (call $take (i32.const 2)))
  (func (export "case-enum-three") (call $take (i32.const 3)))
  ;; 256 would be red if truncated to the u8 discriminant: it must trap
  (func (export "case-enum-big") (call $take (i32.const 256)))
)
