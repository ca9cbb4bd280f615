;; Hostile guest: take-bool(toggle: bool) with 2. Not malformed: the canonical ABI reads any
;; non-zero i32 as true (convert_int_to_bool), so the implementation must get `true`.
(module
  (import "warden:test/hostile@0.1.0" "take-bool" (func $take (param i32)))
  (memory (export "memory") 1)
  (func (export "case-bool-two") (call $take (i32.const 2)))
)
