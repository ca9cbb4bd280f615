;; A guest of examples/kv/kv.wit (world kv-guest) for the resource tests. It re-exports every import
;; of warden:kv/store@0.1.0 (and of warden:abi/buffers) as a trampoline `t:<core name>` with the same
;; core signature, so a test drives every handle and pointer itself. `run` is the world's export:
;; it stores its input under the key "last" and reads it back through the imports.
;; build.sh also makes kv-guest-nr.wasm from this file without the cabi_realloc export.
(module
  (import "warden:kv/store@0.1.0" "[constructor]bucket" (func $new (param i32 i32) (result i32)))
  (import "warden:kv/store@0.1.0" "[method]bucket.get" (func $b_get (param i32 i32 i32 i32)))
  (import "warden:kv/store@0.1.0" "[method]bucket.set" (func $b_set (param i32 i32 i32 i32 i32 i32)))
  (import "warden:kv/store@0.1.0" "[method]bucket.remove" (func $b_remove (param i32 i32 i32 i32)))
  (import "warden:kv/store@0.1.0" "[method]bucket.keys" (func $b_keys (param i32 i32)))
  (import "warden:kv/store@0.1.0" "[method]bucket.entries" (func $b_entries (param i32 i32)))
  (import "warden:kv/store@0.1.0" "[method]bucket.perms" (func $b_perms (param i32) (result i32)))
  (import "warden:kv/store@0.1.0" "[static]bucket.open" (func $b_open (param i32 i32 i32)))
  (import "warden:kv/store@0.1.0" "[resource-drop]bucket" (func $b_drop (param i32)))
  (import "warden:kv/store@0.1.0" "get" (func $get (param i32 i32 i32)))
  (import "warden:kv/store@0.1.0" "set" (func $set (param i32 i32 i32 i32 i32)))
  (import "warden:kv/store@0.1.0" "count" (func $count (result i32)))
  (import "warden:abi/buffers" "size" (func $buf_size (param i32) (result i32)))
  (import "warden:abi/buffers" "take" (func $buf_take (param i32 i32 i32) (result i32)))
  (import "warden:abi/buffers" "drop" (func $buf_drop (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 512) "last")
  (global $heap (mut i32) (i32.const 8192))
  (global $override (export "realloc_override") (mut i32) (i32.const 0))
  (func (export "cabi_realloc") (param $op i32) (param $os i32) (param $al i32) (param $sz i32) (result i32)
    (local $p i32)
    global.get $override
    if
      global.get $override
      return
    end
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
    (block $done
      (loop $grow
        global.get $heap
        memory.size
        i32.const 16
        i32.shl
        i32.le_u
        br_if $done
        i32.const 1
        memory.grow
        i32.const -1
        i32.eq
        if
          unreachable
        end
        br $grow))
    local.get $p)
  (func (export "t:[constructor]bucket") (param i32 i32) (result i32) local.get 0 local.get 1 call $new)
  (func (export "t:[method]bucket.get") (param i32 i32 i32 i32) local.get 0 local.get 1 local.get 2 local.get 3 call $b_get)
  (func (export "t:[method]bucket.set") (param i32 i32 i32 i32 i32 i32)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 call $b_set)
  (func (export "t:[method]bucket.remove") (param i32 i32 i32 i32) local.get 0 local.get 1 local.get 2 local.get 3 call $b_remove)
  (func (export "t:[method]bucket.keys") (param i32 i32) local.get 0 local.get 1 call $b_keys)
  (func (export "t:[method]bucket.entries") (param i32 i32) local.get 0 local.get 1 call $b_entries)
  (func (export "t:[method]bucket.perms") (param i32) (result i32) local.get 0 call $b_perms)
  (func (export "t:[static]bucket.open") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 call $b_open)
  (func (export "t:[resource-drop]bucket") (param i32) local.get 0 call $b_drop)
  (func (export "t:get") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 call $get)
  (func (export "t:set") (param i32 i32 i32 i32 i32) local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $set)
  (func (export "t:count") (result i32) call $count)
  (func (export "t:size") (param i32) (result i32) local.get 0 call $buf_size)
  (func (export "t:take") (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 call $buf_take)
  (func (export "t:drop") (param i32) local.get 0 call $buf_drop)
  ;; run(input: string) -> string: set("last", input); return get("last") (or "" if none).
  (func (export "run") (param $ptr i32) (param $len i32) (result i32)
    i32.const 512
    i32.const 4
    local.get $ptr
    local.get $len
    i32.const 1024
    call $set
    i32.const 512
    i32.const 4
    i32.const 1056
    call $get
    i32.const 1060))
