/*
 * The guest of guest.c again, for a module that exports NO `cabi_realloc`: strings and lists that
 * the host returns (and the `input` of `run`) arrive as buffer handles, read with
 * include/warden/buffers.h. wasi-libc's malloc is used inside; it is just not exported.
 *
 * It declares the imports of `warden:kv/store@0.1.0` itself (wit-bindgen's bindings would export
 * cabi_realloc). Flat signatures and return areas are those of kv_guest.c; the only difference is
 * what a pointer field holds when the host wrote it:
 *
 *   get            return area +0 u8 disc, +4 u32 BUFFER HANDLE, +8 u32 byte length
 *   bucket.get     return area +0 u8 disc, +4 u32 BUFFER HANDLE, +8 u32 byte count
 *   set/remove     an `error` denied(string): +8 u32 BUFFER HANDLE, +12 u32 byte length
 *   bucket.keys    return area +0 u32 BUFFER HANDLE, +4 u32 count; the buffer holds count
 *                  elements { u32 BUFFER HANDLE; u32 len } (8 bytes each)
 *   bucket.entries return area +0 u32 BUFFER HANDLE, +4 u32 count; the buffer holds count
 *                  entries of 20 bytes { u32 key HANDLE; u32 key len; u32 value HANDLE;
 *                  u32 value len; u8 kind; pad[3] }
 *   run (export)   called with (u32 BUFFER HANDLE, u32 byte length) for `input`; it returns a
 *                  pointer to its own return area { u32 ptr; u32 len } (no allocation by the host)
 *
 * Built as a reactor like guest.c (`_initialize`, then `run`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warden/buffers.h"

#define KV(name) __attribute__((import_module("warden:kv/store@0.1.0"), import_name(name)))
KV("get") void kv_get(const char *key, size_t key_len, void *ret);
KV("set") void kv_set(const char *key, size_t key_len, const char *val, size_t val_len, void *ret);
KV("count") uint32_t kv_count(void);
KV("[constructor]bucket") int32_t bucket_new(const char *name, size_t name_len);
KV("[method]bucket.get") void bucket_get(int32_t self, const char *key, size_t key_len, void *ret);
KV("[method]bucket.set")
void bucket_set(int32_t self, const char *key, size_t key_len, const uint8_t *val, size_t val_len,
                void *ret);
KV("[method]bucket.remove") void bucket_remove(int32_t self, const char *key, size_t key_len, void *ret);
KV("[method]bucket.keys") void bucket_keys(int32_t self, void *ret);
KV("[method]bucket.entries") void bucket_entries(int32_t self, void *ret);
KV("[method]bucket.perms") uint32_t bucket_perms(int32_t self);
KV("[static]bucket.open") void bucket_open(const char *name, size_t name_len, void *ret);
KV("[resource-drop]bucket") void bucket_drop(int32_t self);

/* Return areas, as laid out by the canonical ABI (see kv_guest.c). */
typedef struct { uint8_t tag; uint32_t a, b; } error_t;                     /* 12 bytes */
typedef struct { uint8_t is_some; warden_string_ref_t val; } option_ref_t;  /* 12 bytes */
typedef struct { uint8_t is_err; union { int32_t handle; error_t err; } u; } result_t; /* 16 */
typedef struct { uint32_t key, key_len, value, value_len; uint8_t kind; } entry_ref_t; /* 20 */
_Static_assert(sizeof(error_t) == 12 && sizeof(option_ref_t) == 12 && sizeof(result_t) == 16 &&
                   sizeof(entry_ref_t) == 20, "canonical ABI layouts");

/* Prints an error read from a return area; a denied(string) reason is a buffer to take. */
static void print_error(const char *what, const error_t *e) {
  if (e->tag == 0) printf("%s: not found\n", what);
  else if (e->tag == 1) printf("%s: too large (limit %u)\n", what, e->a);
  else {
    char *reason = warden_take_string(e->a, e->b);
    printf("%s: denied: %s\n", what, reason ? reason : "?");
    free(reason);
  }
}

static __attribute__((aligned(4))) struct { char *ptr; size_t len; } RET_AREA;

__attribute__((export_name("run"))) void *run(uint32_t input_handle, uint32_t input_len) {
  char *input = warden_take_string(input_handle, input_len);
  option_ref_t opt;
  result_t res;

  kv_set("greeting", 8, "hello", 5, &res);
  if (res.is_err) print_error("set greeting", &res.u.err);
  kv_get("greeting", 8, &opt);
  if (opt.is_some) {
    char *value = warden_take_string(opt.val.handle, opt.val.len);
    printf("greeting = %s\n", value ? value : "?");
    free(value);
  }

  int32_t b = bucket_new("photos", 6);
  static const uint8_t png[] = {0x89, 'P', 'N', 'G'};
  bucket_set(b, "cat.png", 7, png, sizeof png, &res);
  if (res.is_err) print_error("set cat.png", &res.u.err);
  bucket_get(b, "cat.png", 7, &opt);
  if (opt.is_some) {
    uint8_t *data = warden_take_bytes(opt.val.handle, opt.val.len);
    printf("cat.png: %u bytes%s\n", opt.val.len, data && data[0] == 0x89 ? "" : " (wrong)");
    free(data);
  }

  warden_string_ref_t list;
  bucket_keys(b, &list);
  char **keys = warden_take_string_list(list.handle, list.len);
  for (uint32_t i = 0; keys && i < list.len; i++) printf("key %s\n", keys[i]);
  warden_free_string_list(keys, list.len);

  bucket_entries(b, &list);
  entry_ref_t *entries = warden_take_list(list.handle, sizeof(entry_ref_t), 4, list.len);
  for (uint32_t i = 0; entries && i < list.len; i++) {
    char *key = warden_take_string(entries[i].key, entries[i].key_len);
    warden_buffer_drop(entries[i].value); /* not needed here: free it unread */
    printf("entry %s: %u bytes, %s\n", key ? key : "?", entries[i].value_len,
           entries[i].kind == 0 ? "text" : "binary");
    free(key);
  }
  free(entries);

  bucket_remove(b, "cat.png", 7, &res);
  if (res.is_err) print_error("remove cat.png", &res.u.err);
  uint32_t perms = bucket_perms(b);
  printf("perms:%s%s%s\n", perms & 1 ? " read" : "", perms & 2 ? " write" : "", perms & 4 ? " admin" : "");
  bucket_drop(b);

  bucket_open("missing", 7, &res);
  if (res.is_err) print_error("open missing", &res.u.err);
  else bucket_drop(res.u.handle);

  size_t cap = (input ? strlen(input) : 1) + 32;
  RET_AREA.ptr = malloc(cap);
  RET_AREA.len = (size_t)snprintf(RET_AREA.ptr, cap, "hello, %s; %u keys", input ? input : "?", kv_count());
  free(input);
  fflush(stdout);
  return &RET_AREA;
}

__attribute__((export_name("cabi_post_run"))) void cabi_post_run(void *area) {
  (void)area;
  free(RET_AREA.ptr);
  RET_AREA.ptr = NULL;
}
