;; A guest of ../wit/res.wit (world res-guest): exports interface test:res/api@0.1.0 with the
;; guest-defined resource `counter` (its rep is the address of a u32), and uses the host's `blob`.
;; `t:*` exports are trampolines to the imports for the tests that forge handles.
(module
  (import "test:res/host@0.1.0" "[constructor]blob" (func $blob_new (param i32 i32) (result i32)))
  (import "test:res/host@0.1.0" "[method]blob.read" (func $blob_read (param i32 i32)))
  (import "test:res/host@0.1.0" "[method]blob.size" (func $blob_size (param i32) (result i32)))
  (import "test:res/host@0.1.0" "[static]blob.merge" (func $blob_merge (param i32 i32) (result i32)))
  (import "test:res/host@0.1.0" "[method]blob.absorb" (func $blob_absorb (param i32 i32) (result i32)))
  (import "test:res/host@0.1.0" "[resource-drop]blob" (func $blob_drop (param i32)))
  (import "test:res/host@0.1.0" "make-blob" (func $make_blob (param i32 i32) (result i32)))
  (import "[export]test:res/api@0.1.0" "[resource-new]counter" (func $c_new (param i32) (result i32)))
  (import "[export]test:res/api@0.1.0" "[resource-rep]counter" (func $c_rep (param i32) (result i32)))
  (import "[export]test:res/api@0.1.0" "[resource-drop]counter" (func $c_drop (param i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $kept (mut i32) (i32.const 0))
  (global $dtors (mut i32) (i32.const 0))
  (func $alloc (param $al i32) (param $sz i32) (result i32)
    (local $p i32)
    global.get $heap
    local.get $al
    i32.add
    i32.const 1
    i32.sub
    i32.const 0
    local.get $al
    i32.sub
    i32.and
    local.tee $p
    local.get $sz
    i32.add
    global.set $heap
    local.get $p)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    local.get 2
    local.get 3
    call $alloc)
  (func $counter (param $v i32) (result i32)
    (local $rep i32)
    i32.const 4
    i32.const 4
    call $alloc
    local.tee $rep
    local.get $v
    i32.store
    local.get $rep
    call $c_new)
  (func (export "test:res/api@0.1.0#[constructor]counter") (param i32) (result i32)
    local.get 0
    call $counter)
  (func (export "test:res/api@0.1.0#[method]counter.get") (param i32) (result i32)
    local.get 0
    i32.load)
  (func (export "test:res/api@0.1.0#[method]counter.inc") (param i32)
    local.get 0
    local.get 0
    i32.load
    i32.const 1
    i32.add
    i32.store)
  (func (export "test:res/api@0.1.0#[static]counter.twin") (param i32) (result i32)
    local.get 0
    i32.load
    call $counter)
  (func (export "test:res/api@0.1.0#[dtor]counter") (param i32)
    global.get $dtors
    i32.const 1
    i32.add
    global.set $dtors)
  (func (export "test:res/api@0.1.0#peek") (param $b i32) (result i32)
    (local $n i32)
    local.get $b
    call $blob_size
    local.set $n
    local.get $b
    call $blob_drop
    local.get $n)
  (func (export "test:res/api@0.1.0#peek-leak") (param $b i32) (result i32)
    local.get $b
    call $blob_size)
  (func (export "test:res/api@0.1.0#keep") (param i32)
    local.get 0
    global.set $kept)
  (func (export "test:res/api@0.1.0#give") (result i32)
    global.get $kept)
  (func (export "test:res/api@0.1.0#value-of") (param i32) (result i32)
    local.get 0
    i32.load)
  (func (export "test:res/api@0.1.0#consume") (param $h i32) (result i32)
    (local $v i32)
    local.get $h
    call $c_rep
    i32.load
    local.set $v
    local.get $h
    call $c_drop
    local.get $v)
  (func (export "test:res/api@0.1.0#dtor-calls") (result i32)
    global.get $dtors)
  (func (export "t:blob-new") (param i32 i32) (result i32) local.get 0 local.get 1 call $blob_new)
  (func (export "t:blob-read") (param i32 i32) local.get 0 local.get 1 call $blob_read)
  (func (export "t:blob-size") (param i32) (result i32) local.get 0 call $blob_size)
  (func (export "t:blob-merge") (param i32 i32) (result i32) local.get 0 local.get 1 call $blob_merge)
  (func (export "t:blob-absorb") (param i32 i32) (result i32) local.get 0 local.get 1 call $blob_absorb)
  (func (export "t:blob-drop") (param i32) local.get 0 call $blob_drop)
  (func (export "t:make-blob") (param i32 i32) (result i32) local.get 0 local.get 1 call $make_blob)
  (func (export "t:counter-new") (param i32) (result i32) local.get 0 call $c_new)
  (func (export "t:counter-rep") (param i32) (result i32) local.get 0 call $c_rep)
  (func (export "t:counter-drop") (param i32) local.get 0 call $c_drop))
