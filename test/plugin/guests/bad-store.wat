;; A hostile provider of warden:kv/store@0.1.0 (world kv-provider) for test/plugin/compose.test.ts:
;; `set` succeeds, `get` returns some(string) whose bytes are not UTF-8, and every other function
;; traps. No cabi_realloc: strings passed in arrive as buffer handles it never reads.
(module
  (memory (export "memory") 1)
  ;; get's return area: some, ptr 100, len 4
  (data (i32.const 16) "\01\00\00\00\64\00\00\00\04\00\00\00")
  (data (i32.const 100) "ab\ffc")
  (func (export "warden:kv/store@0.1.0#get") (param i32 i32) (result i32) i32.const 16)
  ;; an all-zero return area: result ok
  (func (export "warden:kv/store@0.1.0#set") (param i32 i32 i32 i32) (result i32) i32.const 64)
  (func (export "warden:kv/store@0.1.0#count") (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[constructor]bucket") (param i32 i32) (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[method]bucket.get") (param i32 i32 i32) (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[method]bucket.set") (param i32 i32 i32 i32 i32) (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[method]bucket.remove") (param i32 i32 i32) (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[method]bucket.keys") (param i32) (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[method]bucket.entries") (param i32) (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[method]bucket.perms") (param i32) (result i32) unreachable)
  (func (export "warden:kv/store@0.1.0#[static]bucket.open") (param i32 i32) (result i32) unreachable)
)
