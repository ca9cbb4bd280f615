/*
 * A guest of world `kv-guest` (kv.wit): it uses the host's key-value store and exports
 * `run(input: string) -> string`.
 *
 * Built as a WASI *reactor* (`-mexec-model=reactor`, see build.sh): the host instantiates it,
 * calls `_initialize` once (wasi-libc's constructors), then calls `run` as often as it likes.
 * There is no `main`. The bindings (kv_guest.h / kv_guest.c) are what wit-bindgen's C generator
 * would write for kv.wit; they export `cabi_realloc`, so the host hands strings and lists to this
 * guest in its own memory. (guest-noalloc.c does the same without `cabi_realloc`.)
 */
#include <stdio.h>
#include <stdlib.h>

#include "kv_guest.h"

static void print_error(const char *what, warden_kv_store_error_t *err) {
  switch (err->tag) {
  case WARDEN_KV_STORE_ERROR_NOT_FOUND: printf("%s: not found\n", what); break;
  case WARDEN_KV_STORE_ERROR_TOO_LARGE: printf("%s: too large (limit %u)\n", what, err->val.too_large); break;
  case WARDEN_KV_STORE_ERROR_DENIED:
    printf("%s: denied: %.*s\n", what, (int)err->val.denied.len, (char *)err->val.denied.ptr);
    break;
  }
  warden_kv_store_error_free(err);
}

void exports_kv_guest_run(kv_guest_string_t *input, kv_guest_string_t *ret) {
  kv_guest_string_t key, value, got;
  warden_kv_store_error_t err;

  /* The default bucket: strings. */
  kv_guest_string_set(&key, "greeting");
  kv_guest_string_set(&value, "hello");
  if (!warden_kv_store_set(&key, &value, &err)) print_error("set greeting", &err);
  if (warden_kv_store_get(&key, &got)) {
    printf("greeting = %.*s\n", (int)got.len, (char *)got.ptr);
    kv_guest_string_free(&got);
  }

  /* A bucket: a resource. `own` handles are dropped, methods take a `borrow`. */
  kv_guest_string_t name;
  kv_guest_string_set(&name, "photos");
  warden_kv_store_own_bucket_t photos = warden_kv_store_constructor_bucket(&name);
  warden_kv_store_borrow_bucket_t b = warden_kv_store_borrow_bucket(photos);

  uint8_t png[] = {0x89, 'P', 'N', 'G'};
  kv_guest_list_u8_t bytes = {png, sizeof png};
  kv_guest_string_set(&key, "cat.png");
  if (!warden_kv_store_method_bucket_set(b, &key, &bytes, &err)) print_error("set cat.png", &err);
  kv_guest_list_u8_t data;
  if (warden_kv_store_method_bucket_get(b, &key, &data)) {
    printf("cat.png: %zu bytes\n", data.len);
    kv_guest_list_u8_free(&data);
  }

  kv_guest_list_string_t keys;
  warden_kv_store_method_bucket_keys(b, &keys);
  for (size_t i = 0; i < keys.len; i++) printf("key %.*s\n", (int)keys.ptr[i].len, (char *)keys.ptr[i].ptr);
  kv_guest_list_string_free(&keys);

  warden_kv_store_list_entry_t entries;
  warden_kv_store_method_bucket_entries(b, &entries);
  for (size_t i = 0; i < entries.len; i++) {
    warden_kv_store_entry_t *e = &entries.ptr[i];
    printf("entry %.*s: %zu bytes, %s\n", (int)e->key.len, (char *)e->key.ptr, e->value.len,
           e->kind == WARDEN_KV_STORE_KIND_TEXT ? "text" : "binary");
  }
  warden_kv_store_list_entry_free(&entries);
  if (!warden_kv_store_method_bucket_remove(b, &key, &err)) print_error("remove cat.png", &err);

  warden_kv_store_perms_t perms = warden_kv_store_method_bucket_perms(b);
  printf("perms:%s%s%s\n", perms & WARDEN_KV_STORE_PERMS_READ ? " read" : "",
         perms & WARDEN_KV_STORE_PERMS_WRITE ? " write" : "",
         perms & WARDEN_KV_STORE_PERMS_ADMIN ? " admin" : "");
  warden_kv_store_bucket_drop_own(photos);

  /* A static function returning result<bucket, error>. */
  warden_kv_store_own_bucket_t missing;
  kv_guest_string_set(&name, "missing");
  if (warden_kv_store_static_bucket_open(&name, &missing, &err)) warden_kv_store_bucket_drop_own(missing);
  else print_error("open missing", &err);

  /* The result: a string this guest allocates; the bindings free it in cabi_post_run. */
  uint32_t n = warden_kv_store_count();
  size_t cap = input->len + 32;
  ret->ptr = malloc(cap);
  ret->len = (size_t)snprintf((char *)ret->ptr, cap, "hello, %.*s; %u keys", (int)input->len,
                              (char *)input->ptr, n);
  kv_guest_string_free(input); /* parameters of an export belong to the callee */
  fflush(stdout);              /* a reactor never exits, so nothing else flushes stdout */
}
