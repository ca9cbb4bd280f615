;; Hostile guest: bad resource handles. `thing` and `other` are host resources; a constructor
;; returns a new own handle (i32); own<thing> and borrow<thing> are passed as (i32).
;;   take-own(owned: own<thing>)  take-borrow(borrowed: borrow<thing>)
;;   take-borrow-own(lent: borrow<thing>, given: own<thing>)   [resource-drop]thing(handle)
(module
  (import "warden:test/hostile@0.1.0" "[constructor]thing" (func $thing (result i32)))
  (import "warden:test/hostile@0.1.0" "[constructor]other" (func $other (result i32)))
  (import "warden:test/hostile@0.1.0" "[resource-drop]thing" (func $drop (param i32)))
  (import "warden:test/hostile@0.1.0" "take-own" (func $own (param i32)))
  (import "warden:test/hostile@0.1.0" "take-borrow" (func $borrow (param i32)))
  (import "warden:test/hostile@0.1.0" "take-borrow-own" (func $borrow_own (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "case-own-ok") (call $own (call $thing)))
  (func (export "case-own-zero") (call $own (i32.const 0)))
  (func (export "case-own-never-created") (drop (call $thing)) (call $own (i32.const 12345)))
  (func (export "case-own-wrong-type") (call $own (call $other)))
  (func (export "case-own-already-moved") (local $h i32)
    (local.set $h (call $thing))
    (call $own (local.get $h))      ;; moves the handle to the host
    (call $own (local.get $h)))     ;; gone
  (func (export "case-borrow-ok") (local $h i32)
    (local.set $h (call $thing))
    (call $borrow (local.get $h))
    (call $borrow (local.get $h))   ;; a borrow does not consume the handle
    (call $drop (local.get $h)))
  (func (export "case-borrow-after-drop") (local $h i32)
    (local.set $h (call $thing))
    (call $drop (local.get $h))
    (call $borrow (local.get $h)))
  (func (export "case-borrow-wrong-type") (call $borrow (call $other)))
  (func (export "case-drop-twice") (local $h i32)
    (local.set $h (call $thing))
    (call $drop (local.get $h))
    (call $drop (local.get $h)))
  ;; the borrow is lifted first and lends the handle; moving it while lent must trap
  (func (export "case-borrow-and-own-same-handle") (local $h i32)
    (local.set $h (call $thing))
    (call $borrow_own (local.get $h) (local.get $h)))
)
