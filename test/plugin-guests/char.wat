;; Hostile guest: malformed `char` arguments to take-char(letter: char), flattened to (i32).
(module
  (import "warden:test/hostile@0.1.0" "take-char" (func $take (param i32)))
  (memory (export "memory") 1)
  (func (export "case-char-ok") (call $take (i32.const 0x1f600)))
  (func (export "case-char-surrogate-low") (call $take (i32.const 0xd800)))
  (func (export "case-char-surrogate-high") (call $take (i32.const 0xdfff)))
  (func (export "case-char-too-big") (call $take (i32.const 0x110000)))
  (func (export "case-char-all-ones") (call $take (i32.const 0xffffffff)))
)
