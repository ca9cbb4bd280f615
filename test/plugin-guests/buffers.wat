;; Hostile guest without cabi_realloc: strings and lists from the host arrive as buffer handles
;; (see include/warden/buffers.h) and are read with warden:abi/buffers size/take/drop.
;; return-string() -> string gives "hostile" (7 bytes); return-list() -> list<u32> gives [1, 2, 3].
;; Both write { u32 handle; u32 len } to the return area (8 bytes, align 4).
;; Cases that expect no trap check every answer themselves and hit `unreachable` on a wrong one.
(module
  (import "warden:test/hostile@0.1.0" "return-string" (func $string (param i32)))
  (import "warden:test/hostile@0.1.0" "return-list" (func $list (param i32)))
  (import "warden:abi/buffers" "size" (func $size (param i32) (result i32)))
  (import "warden:abi/buffers" "take" (func $take (param i32 i32 i32) (result i32)))
  (import "warden:abi/buffers" "drop" (func $drop (param i32)))
  (memory (export "memory") 1)
  (func $check (param i32) (if (i32.eqz (local.get 0)) (then unreachable)))
  ;; calls return-string, checks the length, returns the handle
  (func $hostile (result i32)
    (call $string (i32.const 64))
    (call $check (i32.eq (i32.load (i32.const 68)) (i32.const 7)))
    (call $check (i32.ne (i32.load (i32.const 64)) (i32.const 0)))
    (i32.load (i32.const 64)))
  (func (export "case-buffer-take-ok") (local $h i32)
    (local.set $h (call $hostile))
    (call $check (i32.eq (call $size (local.get $h)) (i32.const 7)))
    (memory.fill (i32.const 256) (i32.const 0xaa) (i32.const 16))
    (call $check (i32.eq (call $take (local.get $h) (i32.const 256) (i32.const 16)) (i32.const 7)))
    (call $check (i32.eq (i32.load (i32.const 256)) (i32.const 0x74736f68)))    ;; "host"
    (call $check (i32.eq (i32.load16_u (i32.const 260)) (i32.const 0x6c69)))    ;; "il"
    (call $check (i32.eq (i32.load8_u (i32.const 262)) (i32.const 0x65)))       ;; "e"
    (call $check (i32.eq (i32.load8_u (i32.const 263)) (i32.const 0xaa)))       ;; nothing past the 7 bytes
    (call $check (i32.eq (call $size (local.get $h)) (i32.const -1))))          ;; taken = freed
  (func (export "case-buffer-bad-handle")
    (call $check (i32.eq (call $size (i32.const 0)) (i32.const -1)))
    (call $check (i32.eq (call $size (i32.const 12345)) (i32.const -1)))
    (call $check (i32.eq (call $take (i32.const 12345) (i32.const 256) (i32.const 100)) (i32.const -1)))
    (call $check (i32.eq (call $take (i32.const 0) (i32.const 256) (i32.const 100)) (i32.const -1)))
    (call $drop (i32.const 12345))
    (call $drop (i32.const 0)))
  (func (export "case-buffer-cap-too-small") (local $h i32)
    (local.set $h (call $hostile))
    (call $check (i32.eq (call $take (local.get $h) (i32.const 256) (i32.const 3)) (i32.const -1)))
    (call $check (i32.eq (call $size (local.get $h)) (i32.const 7)))           ;; still live
    (call $check (i32.eq (call $take (local.get $h) (i32.const 256) (i32.const 7)) (i32.const 7))))
  (func (export "case-buffer-take-twice") (local $h i32)
    (local.set $h (call $hostile))
    (call $check (i32.eq (call $take (local.get $h) (i32.const 256) (i32.const 7)) (i32.const 7)))
    (call $check (i32.eq (call $take (local.get $h) (i32.const 256) (i32.const 7)) (i32.const -1))))
  (func (export "case-buffer-drop-then-take") (local $h i32)
    (local.set $h (call $hostile))
    (call $drop (local.get $h))
    (call $check (i32.eq (call $take (local.get $h) (i32.const 256) (i32.const 7)) (i32.const -1))))
  ;; [65533, 65540) is partly outside memory: trap
  (func (export "case-buffer-take-out-of-bounds")
    (drop (call $take (call $hostile) (i32.const 65533) (i32.const 7))))
  ;; 0xfffffffc + 7 wraps to 3 in 32 bits: trap
  (func (export "case-buffer-take-wraps")
    (drop (call $take (call $hostile) (i32.const 0xfffffffc) (i32.const 7))))
  (func (export "case-buffer-list-ok") (local $h i32)
    (call $list (i32.const 64))
    (call $check (i32.eq (i32.load (i32.const 68)) (i32.const 3)))            ;; element count
    (local.set $h (i32.load (i32.const 64)))
    (call $check (i32.eq (call $size (local.get $h)) (i32.const 12)))         ;; bytes
    (call $check (i32.eq (call $take (local.get $h) (i32.const 512) (i32.const 12)) (i32.const 12)))
    (call $check (i32.eq (i32.load (i32.const 512)) (i32.const 1)))
    (call $check (i32.eq (i32.load (i32.const 516)) (i32.const 2)))
    (call $check (i32.eq (i32.load (i32.const 520)) (i32.const 3))))
  ;; 1025 live buffers: the call that would create the 1025th traps
  (func (export "case-buffer-limit") (local $i i32)
    (loop $again
      (drop (call $hostile))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 1025)))))
  ;; 1024 live buffers are allowed; after dropping one, one more can be made
  (func (export "case-buffer-limit-recovers") (local $i i32)
    (loop $again
      (i32.store (i32.add (i32.const 4096) (i32.shl (local.get $i) (i32.const 2))) (call $hostile))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 1024))))
    (call $drop (i32.load (i32.const 4096)))
    (call $check (i32.eq (call $size (call $hostile)) (i32.const 7)))
    (call $check (i32.eq (call $size (i32.load (i32.const 8188))) (i32.const 7))))  ;; the 1024th
)
