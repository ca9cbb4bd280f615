;; Hostile guest: flags with bits set beyond their labels.
;;   take-flags(bits: small)       flags small { a, b, c }: (i32), bits 0..2
;;   take-wide-flags(mask: wide)   flags wide { w0 .. w39 }: (i32 w0..w31, i32 w32..w39)
(module
  (import "warden:test/hostile@0.1.0" "take-flags" (func $small (param i32)))
  (import "warden:test/hostile@0.1.0" "take-wide-flags" (func $wide (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "case-flags-ok") (call $small (i32.const 5)))                 ;; a, c
  (func (export "case-flags-unknown-bit") (call $small (i32.const 8)))        ;; bit 3: no such flag
  (func (export "case-flags-all-ones") (call $small (i32.const 0xffffffff)))
  (func (export "case-wide-flags-ok") (call $wide (i32.const 1) (i32.const 0x80)))          ;; w0, w39
  (func (export "case-wide-flags-unknown-bit") (call $wide (i32.const 0) (i32.const 0x100))) ;; bit 40
)
