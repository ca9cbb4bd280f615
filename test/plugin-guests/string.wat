;; Hostile guest: malformed `string` arguments to take-string(message: string),
;; flattened to (i32 ptr, i32 byte-len). Memory: 1 page (65536 bytes).
(module
  (import "warden:test/hostile@0.1.0" "take-string" (func $take (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (data (i32.const 32) "a\c0\af")           ;; overlong encoding of "/" at byte 1
  (data (i32.const 48) "ab\e0\80\af")       ;; overlong 3-byte encoding at byte 2
  (data (i32.const 64) "ab\80")             ;; lone continuation byte at byte 2
  (data (i32.const 80) "abc\ed\a0\80")      ;; U+D800 (a surrogate) encoded at byte 3
  (data (i32.const 96) "abc\e2\82")         ;; sequence cut short by the end of the string at byte 3
  (data (i32.const 112) "\f4\90\80\80")     ;; U+110000, above the last code point, at byte 0
  (data (i32.const 128) "ok\ff")            ;; 0xFF never appears in UTF-8, at byte 2
  (func (export "case-string-ok") (call $take (i32.const 16) (i32.const 5)))
  ;; 0 bytes at the very end of memory: valid (ptr + len <= memory size)
  (func (export "case-string-empty-at-end") (call $take (i32.const 65536) (i32.const 0)))
  ;; 0 bytes past the end: ptr + len > memory size
  (func (export "case-string-empty-out-of-bounds") (call $take (i32.const 65537) (i32.const 0)))
  (func (export "case-string-out-of-bounds") (call $take (i32.const 70000) (i32.const 4)))
  (func (export "case-string-straddles-end") (call $take (i32.const 65530) (i32.const 7)))
  ;; 0xfffffff0 + 0x20 wraps to 0x10 in 32 bits
  (func (export "case-string-wraps") (call $take (i32.const 0xfffffff0) (i32.const 0x20)))
  (func (export "case-string-huge-len") (call $take (i32.const 16) (i32.const 0xffffffff)))
  (func (export "case-utf8-overlong") (call $take (i32.const 32) (i32.const 3)))
  (func (export "case-utf8-overlong-three") (call $take (i32.const 48) (i32.const 5)))
  (func (export "case-utf8-lone-continuation") (call $take (i32.const 64) (i32.const 3)))
  (func (export "case-utf8-surrogate") (call $take (i32.const 80) (i32.const 6)))
  (func (export "case-utf8-truncated") (call $take (i32.const 96) (i32.const 5)))
  (func (export "case-utf8-above-max") (call $take (i32.const 112) (i32.const 4)))
  (func (export "case-utf8-ff") (call $take (i32.const 128) (i32.const 3)))
)
