;; Hostile guest: bad return-area pointers. Each return-* import takes (i32 retptr) and the host
;; stores the result there; the area must be aligned and inside memory (size/align):
;;   return-string 8/4  return-list 8/4  return-option 8/4  return-result 12/4
;;   return-variant 12/4  return-record 12/4  return-tuple 12/4  return-wide-flags 8/4
;; A bump allocator is exported as cabi_realloc (strings and lists go at 1024 and up).
(module
  (import "warden:test/hostile@0.1.0" "return-string" (func $string (param i32)))
  (import "warden:test/hostile@0.1.0" "return-list" (func $list (param i32)))
  (import "warden:test/hostile@0.1.0" "return-option" (func $option (param i32)))
  (import "warden:test/hostile@0.1.0" "return-result" (func $result (param i32)))
  (import "warden:test/hostile@0.1.0" "return-variant" (func $variant (param i32)))
  (import "warden:test/hostile@0.1.0" "return-record" (func $record (param i32)))
  (import "warden:test/hostile@0.1.0" "return-tuple" (func $tuple (param i32)))
  (import "warden:test/hostile@0.1.0" "return-wide-flags" (func $wide (param i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $next (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (global.get $next) (i32.const 65536)) (then unreachable))
    (local.get $p))
  ;; control: "hostile" (7 bytes) lands at a good area
  (func (export "case-return-ok")
    (call $string (i32.const 64))
    (if (i32.ne (i32.load (i32.const 68)) (i32.const 7)) (then unreachable))
    (call $record (i32.const 96))
    (if (i32.ne (i32.load (i32.const 104)) (i32.const 42)) (then unreachable)))
  (func (export "case-return-string-out-of-bounds") (call $string (i32.const 65536)))
  (func (export "case-return-string-misaligned") (call $string (i32.const 66)))
  (func (export "case-return-string-wraps") (call $string (i32.const 0xfffffffc)))   ;; + 8 wraps to 4
  (func (export "case-return-list-straddles-end") (call $list (i32.const 65532)))
  (func (export "case-return-option-misaligned") (call $option (i32.const 65)))
  (func (export "case-return-result-out-of-bounds") (call $result (i32.const 0x7ffffff0)))
  (func (export "case-return-variant-misaligned") (call $variant (i32.const 2)))
  (func (export "case-return-record-straddles-end") (call $record (i32.const 65528)))  ;; 65528 + 12 > 65536
  (func (export "case-return-tuple-misaligned") (call $tuple (i32.const 1)))
  (func (export "case-return-wide-flags-out-of-bounds") (call $wide (i32.const 65536)))
)
