;; Hostile guest: malformed lists. Flattened: (i32 ptr, i32 element-count).
;;   take-list(numbers: list<u32>)      elements 4 bytes, align 4
;;   take-strings(names: list<string>)  elements { u32 ptr; u32 len } 8 bytes, align 4
;;   take-chars(letters: list<char>)    elements 4 bytes, align 4
;;   take-colors(colors: list<color>)   elements u8 (enum of 3 cases), align 1
(module
  (import "warden:test/hostile@0.1.0" "take-list" (func $numbers (param i32 i32)))
  (import "warden:test/hostile@0.1.0" "take-strings" (func $strings (param i32 i32)))
  (import "warden:test/hostile@0.1.0" "take-chars" (func $chars (param i32 i32)))
  (import "warden:test/hostile@0.1.0" "take-colors" (func $colors (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (data (i32.const 32) "a\c0\af")                          ;; bad UTF-8 at byte 1
  (data (i32.const 64) "\01\00\00\00\02\00\00\00\03\00\00\00")  ;; [1, 2, 3]
  ;; [ "hello", (ptr 0xffffff00, len 4) ]
  (data (i32.const 128) "\10\00\00\00\05\00\00\00\00\ff\ff\ff\04\00\00\00")
  ;; [ "hello", (ptr 32, len 3): bad UTF-8 ]
  (data (i32.const 160) "\10\00\00\00\05\00\00\00\20\00\00\00\03\00\00\00")
  (data (i32.const 192) "\41\00\00\00\00\d8\00\00")       ;; ['A', 0xD800]
  (data (i32.const 208) "\00\01\03")                       ;; [red, green, 3]
  (func (export "case-list-ok") (call $numbers (i32.const 64) (i32.const 3)))
  (func (export "case-list-misaligned") (call $numbers (i32.const 66) (i32.const 1)))
  (func (export "case-list-out-of-bounds") (call $numbers (i32.const 65532) (i32.const 2)))
  ;; 8 + 0x40000000 * 4 = 8 + 2^32: wraps to 8 in 32 bits
  (func (export "case-list-wraps") (call $numbers (i32.const 8) (i32.const 0x40000000)))
  (func (export "case-list-huge-count") (call $numbers (i32.const 0) (i32.const 0xffffffff)))
  (func (export "case-list-string-element-out-of-bounds") (call $strings (i32.const 128) (i32.const 2)))
  (func (export "case-list-string-element-bad-utf8") (call $strings (i32.const 160) (i32.const 2)))
  (func (export "case-list-strings-misaligned") (call $strings (i32.const 130) (i32.const 1)))
  (func (export "case-list-char-surrogate") (call $chars (i32.const 192) (i32.const 2)))
  (func (export "case-list-enum-out-of-range") (call $colors (i32.const 208) (i32.const 3)))
)
