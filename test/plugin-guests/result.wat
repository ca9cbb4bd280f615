;; Hostile guest: take-result(outcome: result<u32, string>), flattened to
;; (i32 disc, i32 u32-or-ptr, i32 len): ok = 0 uses slot 1, err = 1 uses slots 1 and 2.
(module
  (import "warden:test/hostile@0.1.0" "take-result" (func $take (param i32 i32 i32)))
  (memory (export "memory") 1)
  ;; ok(7): the unused third slot holds garbage, which must be ignored
  (func (export "case-result-ok-ignores-padding") (call $take (i32.const 0) (i32.const 7) (i32.const 0xdeadbeef)))
  (func (export "case-result-disc-two") (call $take (i32.const 2) (i32.const 7) (i32.const 0)))
  (func (export "case-result-err-bad-string") (call $take (i32.const 1) (i32.const 0xfffffff0) (i32.const 0x20)))
)
