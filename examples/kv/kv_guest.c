/*
 * Bindings for the world `kv-guest` (examples/kv/kv.wit), written by hand the way wit-bindgen's C
 * generator writes them. Core wasm names use wit-bindgen's "legacy" mangling (before
 * `wasm-tools component new`): imports from module `warden:kv/store@0.1.0`, export `run`,
 * `cabi_post_run` and `cabi_realloc`.
 *
 * LAYOUTS (derived from CanonicalABI.md; all pointers and lengths are u32 on wasm32)
 *
 *   string, list<T>     flat (i32 ptr, i32 len); in memory { u32 ptr; u32 len } size 8 align 4
 *   variant error       cases not-found | too-large(u32) | denied(string): discriminant u8,
 *                       payload aligned to 4: size 12 align 4
 *                         +0 u8 tag, +4 u32 too-large | +4 u32 ptr, +8 u32 len (denied)
 *                       flat: i32 tag + join(i32 ; i32 i32) = (i32, i32, i32)
 *   enum kind           u8 (2 cases); flat i32
 *   flags perms         u8 (3 flags: read=bit0, write=bit1, admin=bit2); flat i32
 *   record entry        key @0 (8), value @8 (8), kind @16 (u8), padded: size 20 align 4
 *   own/borrow bucket   i32 handle
 *
 * Imports (MAX_FLAT_PARAMS 16, MAX_FLAT_RESULTS 1: a result that flattens to more than one value
 * is written by the host to a return area whose address the guest passes as the last param):
 *
 *   get(key: string) -> option<string>
 *     (i32 key_ptr, i32 key_len, i32 retptr) -> ()
 *     return area 12 bytes align 4: +0 u8 disc (0 none, 1 some), +4 u32 ptr, +8 u32 len
 *   set(key: string, value: string) -> result<_, error>
 *     (i32 key_ptr, i32 key_len, i32 val_ptr, i32 val_len, i32 retptr) -> ()
 *     return area 16 bytes align 4: +0 u8 disc (0 ok, 1 err), +4 error (12 bytes, see above):
 *       +4 u8 error tag, +8 u32 too-large | +8 u32 ptr, +12 u32 len (denied)
 *   count() -> u32                                        () -> i32
 *   [constructor]bucket(name: string) -> own<bucket>      (i32 ptr, i32 len) -> i32
 *   [method]bucket.get(self, key: string) -> option<list<u8>>
 *     (i32 self, i32 key_ptr, i32 key_len, i32 retptr) -> (); return area as `get` (12 bytes)
 *   [method]bucket.set(self, key: string, value: list<u8>) -> result<_, error>
 *     (i32 self, i32 key_ptr, i32 key_len, i32 val_ptr, i32 val_len, i32 retptr) -> ()
 *     return area as `set` (16 bytes)
 *   [method]bucket.remove(self, key: string) -> result<_, error>
 *     (i32 self, i32 key_ptr, i32 key_len, i32 retptr) -> (); return area as `set` (16 bytes)
 *   [method]bucket.keys(self) -> list<string>
 *     (i32 self, i32 retptr) -> (); return area 8 bytes: +0 u32 ptr, +4 u32 count;
 *     elements 8 bytes each { u32 ptr; u32 len }
 *   [method]bucket.entries(self) -> list<entry>
 *     (i32 self, i32 retptr) -> (); return area 8 bytes: +0 u32 ptr, +4 u32 count;
 *     elements `entry`, 20 bytes each
 *   [method]bucket.perms(self) -> perms                   (i32 self) -> i32
 *   [static]bucket.open(name: string) -> result<bucket, error>
 *     (i32 ptr, i32 len, i32 retptr) -> ()
 *     return area 16 bytes align 4: +0 u8 disc, +4 i32 handle (ok) | +4 error (err)
 *   [resource-drop]bucket                                 (i32 handle) -> ()
 *
 * Export (a result of more than one flat value is returned as a pointer to a return area in
 * guest memory, read by the host, then handed to cabi_post_run):
 *
 *   run(input: string) -> string    (i32 ptr, i32 len) -> i32 retptr
 *     return area 8 bytes align 4: +0 u32 ptr, +4 u32 len
 *   cabi_post_run                   (i32 retptr) -> ()
 *   cabi_realloc                    (i32 old_ptr, i32 old_size, i32 align, i32 new_size) -> i32
 *
 * On wasm32 the C structs in kv_guest.h have exactly these layouts (kv_guest_string_t is
 * { uint8_t *; size_t }, 8 bytes; warden_kv_store_entry_t is 20 bytes), so lists returned by the
 * host are used in place, as wit-bindgen does.
 */
#include "kv_guest.h"

#include <stdlib.h>
#include <string.h>

#define IMPORT(name) \
  __attribute__((__import_module__("warden:kv/store@0.1.0"), __import_name__(name)))

IMPORT("get") extern void __wasm_import_warden_kv_store_get(uint8_t *, size_t, uint8_t *);
IMPORT("set")
extern void __wasm_import_warden_kv_store_set(uint8_t *, size_t, uint8_t *, size_t, uint8_t *);
IMPORT("count") extern int32_t __wasm_import_warden_kv_store_count(void);
IMPORT("[constructor]bucket")
extern int32_t __wasm_import_warden_kv_store_constructor_bucket(uint8_t *, size_t);
IMPORT("[method]bucket.get")
extern void __wasm_import_warden_kv_store_method_bucket_get(int32_t, uint8_t *, size_t, uint8_t *);
IMPORT("[method]bucket.set")
extern void __wasm_import_warden_kv_store_method_bucket_set(int32_t, uint8_t *, size_t, uint8_t *,
                                                            size_t, uint8_t *);
IMPORT("[method]bucket.remove")
extern void __wasm_import_warden_kv_store_method_bucket_remove(int32_t, uint8_t *, size_t,
                                                               uint8_t *);
IMPORT("[method]bucket.keys")
extern void __wasm_import_warden_kv_store_method_bucket_keys(int32_t, uint8_t *);
IMPORT("[method]bucket.entries")
extern void __wasm_import_warden_kv_store_method_bucket_entries(int32_t, uint8_t *);
IMPORT("[method]bucket.perms")
extern int32_t __wasm_import_warden_kv_store_method_bucket_perms(int32_t);
IMPORT("[static]bucket.open")
extern void __wasm_import_warden_kv_store_static_bucket_open(uint8_t *, size_t, uint8_t *);
IMPORT("[resource-drop]bucket") extern void __wasm_import_warden_kv_store_bucket_drop(int32_t);

/* Reads an `error` stored at p (12 bytes, align 4). */
static void load_error(const uint8_t *p, warden_kv_store_error_t *err) {
  err->tag = p[0];
  switch (err->tag) {
  case WARDEN_KV_STORE_ERROR_TOO_LARGE:
    err->val.too_large = *(const uint32_t *)(p + 4);
    break;
  case WARDEN_KV_STORE_ERROR_DENIED:
    err->val.denied.ptr = *(uint8_t *const *)(p + 4);
    err->val.denied.len = *(const size_t *)(p + 8);
    break;
  }
}

bool warden_kv_store_get(kv_guest_string_t *key, kv_guest_string_t *ret) {
  __attribute__((__aligned__(4))) uint8_t area[12];
  __wasm_import_warden_kv_store_get(key->ptr, key->len, area);
  if (area[0] == 0) return false;
  ret->ptr = *(uint8_t **)(area + 4);
  ret->len = *(size_t *)(area + 8);
  return true;
}

bool warden_kv_store_set(kv_guest_string_t *key, kv_guest_string_t *value,
                         warden_kv_store_error_t *err) {
  __attribute__((__aligned__(4))) uint8_t area[16];
  __wasm_import_warden_kv_store_set(key->ptr, key->len, value->ptr, value->len, area);
  if (area[0] == 0) return true;
  load_error(area + 4, err);
  return false;
}

uint32_t warden_kv_store_count(void) { return (uint32_t)__wasm_import_warden_kv_store_count(); }

warden_kv_store_own_bucket_t warden_kv_store_constructor_bucket(kv_guest_string_t *name) {
  return (warden_kv_store_own_bucket_t){
      __wasm_import_warden_kv_store_constructor_bucket(name->ptr, name->len)};
}

bool warden_kv_store_method_bucket_get(warden_kv_store_borrow_bucket_t self,
                                       kv_guest_string_t *key, kv_guest_list_u8_t *ret) {
  __attribute__((__aligned__(4))) uint8_t area[12];
  __wasm_import_warden_kv_store_method_bucket_get(self.__handle, key->ptr, key->len, area);
  if (area[0] == 0) return false;
  ret->ptr = *(uint8_t **)(area + 4);
  ret->len = *(size_t *)(area + 8);
  return true;
}

bool warden_kv_store_method_bucket_set(warden_kv_store_borrow_bucket_t self,
                                       kv_guest_string_t *key, kv_guest_list_u8_t *value,
                                       warden_kv_store_error_t *err) {
  __attribute__((__aligned__(4))) uint8_t area[16];
  __wasm_import_warden_kv_store_method_bucket_set(self.__handle, key->ptr, key->len, value->ptr,
                                                  value->len, area);
  if (area[0] == 0) return true;
  load_error(area + 4, err);
  return false;
}

bool warden_kv_store_method_bucket_remove(warden_kv_store_borrow_bucket_t self,
                                          kv_guest_string_t *key, warden_kv_store_error_t *err) {
  __attribute__((__aligned__(4))) uint8_t area[16];
  __wasm_import_warden_kv_store_method_bucket_remove(self.__handle, key->ptr, key->len, area);
  if (area[0] == 0) return true;
  load_error(area + 4, err);
  return false;
}

void warden_kv_store_method_bucket_keys(warden_kv_store_borrow_bucket_t self,
                                        kv_guest_list_string_t *ret) {
  __attribute__((__aligned__(4))) uint8_t area[8];
  __wasm_import_warden_kv_store_method_bucket_keys(self.__handle, area);
  ret->ptr = *(kv_guest_string_t **)(area + 0);
  ret->len = *(size_t *)(area + 4);
}

void warden_kv_store_method_bucket_entries(warden_kv_store_borrow_bucket_t self,
                                           warden_kv_store_list_entry_t *ret) {
  __attribute__((__aligned__(4))) uint8_t area[8];
  __wasm_import_warden_kv_store_method_bucket_entries(self.__handle, area);
  ret->ptr = *(warden_kv_store_entry_t **)(area + 0);
  ret->len = *(size_t *)(area + 4);
}

warden_kv_store_perms_t warden_kv_store_method_bucket_perms(warden_kv_store_borrow_bucket_t self) {
  return (warden_kv_store_perms_t)__wasm_import_warden_kv_store_method_bucket_perms(self.__handle);
}

bool warden_kv_store_static_bucket_open(kv_guest_string_t *name,
                                        warden_kv_store_own_bucket_t *ret,
                                        warden_kv_store_error_t *err) {
  __attribute__((__aligned__(4))) uint8_t area[16];
  __wasm_import_warden_kv_store_static_bucket_open(name->ptr, name->len, area);
  if (area[0] == 0) {
    ret->__handle = *(int32_t *)(area + 4);
    return true;
  }
  load_error(area + 4, err);
  return false;
}

void warden_kv_store_bucket_drop_own(warden_kv_store_own_bucket_t handle) {
  __wasm_import_warden_kv_store_bucket_drop(handle.__handle);
}

warden_kv_store_borrow_bucket_t warden_kv_store_borrow_bucket(warden_kv_store_own_bucket_t h) {
  return (warden_kv_store_borrow_bucket_t){h.__handle};
}

/* ---- export `run` ---- */

static __attribute__((__aligned__(4))) uint8_t RET_AREA[8];

__attribute__((__export_name__("run"))) uint8_t *__wasm_export_exports_kv_guest_run(uint8_t *ptr,
                                                                                    size_t len) {
  kv_guest_string_t input = {ptr, len};
  kv_guest_string_t ret;
  exports_kv_guest_run(&input, &ret);
  *(uint8_t **)(RET_AREA + 0) = ret.ptr;
  *(size_t *)(RET_AREA + 4) = ret.len;
  return RET_AREA;
}

__attribute__((__export_name__("cabi_post_run"))) void
__wasm_export_exports_kv_guest_run_post_return(uint8_t *area) {
  if (*(size_t *)(area + 4) > 0) free(*(uint8_t **)(area + 0));
}

/* The canonical ABI allocator: the host calls it to place strings and lists in this guest. */
__attribute__((__weak__, __export_name__("cabi_realloc"))) void *
cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *ret = realloc(ptr, new_size);
  if (!ret) abort();
  return ret;
}

/* ---- helpers ---- */

void kv_guest_string_set(kv_guest_string_t *ret, const char *s) {
  ret->ptr = (uint8_t *)s;
  ret->len = strlen(s);
}

void kv_guest_string_dup(kv_guest_string_t *ret, const char *s) {
  ret->len = strlen(s);
  ret->ptr = (uint8_t *)cabi_realloc(NULL, 0, 1, ret->len);
  memcpy(ret->ptr, s, ret->len);
}

void kv_guest_string_free(kv_guest_string_t *ptr) {
  if (ptr->len > 0) free(ptr->ptr);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void kv_guest_list_u8_free(kv_guest_list_u8_t *ptr) {
  if (ptr->len > 0) free(ptr->ptr);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void kv_guest_list_string_free(kv_guest_list_string_t *ptr) {
  for (size_t i = 0; i < ptr->len; i++) kv_guest_string_free(&ptr->ptr[i]);
  if (ptr->len > 0) free(ptr->ptr);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void warden_kv_store_error_free(warden_kv_store_error_t *ptr) {
  if (ptr->tag == WARDEN_KV_STORE_ERROR_DENIED) kv_guest_string_free(&ptr->val.denied);
}

void warden_kv_store_entry_free(warden_kv_store_entry_t *ptr) {
  kv_guest_string_free(&ptr->key);
  kv_guest_list_u8_free(&ptr->value);
}

void warden_kv_store_list_entry_free(warden_kv_store_list_entry_t *ptr) {
  for (size_t i = 0; i < ptr->len; i++) warden_kv_store_entry_free(&ptr->ptr[i]);
  if (ptr->len > 0) free(ptr->ptr);
  ptr->ptr = NULL;
  ptr->len = 0;
}
