;; Hostile guest: records, tuples, and arguments passed in memory.
;;   take-record(who: person)            record person { name: string, age: u32 }: (i32 ptr, i32 len, i32 age)
;;   take-tuple(pair: tuple<u32, string>) (i32 n, i32 ptr, i32 len)
;;   take-many(text1 .. text9: string)   18 flat values > 16: ONE i32 pointing at the arguments,
;;                                       stored as a tuple of 9 strings (72 bytes, align 4)
(module
  (import "warden:test/hostile@0.1.0" "take-record" (func $record (param i32 i32 i32)))
  (import "warden:test/hostile@0.1.0" "take-tuple" (func $tuple (param i32 i32 i32)))
  (import "warden:test/hostile@0.1.0" "take-many" (func $many (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (data (i32.const 32) "a\c0\af")                 ;; bad UTF-8 at byte 1
  ;; 9 x "hello"
  (data (i32.const 256) "\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00")
  ;; 4 x "hello", bad UTF-8 in text5, 4 x "hello"
  (data (i32.const 336) "\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\20\00\00\00\03\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00\10\00\00\00\05\00\00\00")
  (func (export "case-record-ok") (call $record (i32.const 16) (i32.const 5) (i32.const 42)))
  (func (export "case-record-bad-utf8") (call $record (i32.const 32) (i32.const 3) (i32.const 1)))
  (func (export "case-record-out-of-bounds") (call $record (i32.const 0xffffff00) (i32.const 0x200) (i32.const 1)))
  (func (export "case-tuple-bad-utf8") (call $tuple (i32.const 1) (i32.const 32) (i32.const 3)))
  (func (export "case-many-ok") (call $many (i32.const 256)))
  (func (export "case-many-args-out-of-bounds") (call $many (i32.const 65500)))  ;; 65500 + 72 > 65536
  (func (export "case-many-args-misaligned") (call $many (i32.const 258)))
  (func (export "case-many-fifth-bad-utf8") (call $many (i32.const 336)))
)
