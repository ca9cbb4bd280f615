/*
 * Bindings for the world `kv-guest` of examples/kv/kv.wit, written by hand in the shape that
 * wit-bindgen's C generator gives them (names, types, ownership), since wit-bindgen cannot be
 * installed here. examples/kv/guest.c uses them; kv_guest.c implements them.
 *
 * Ownership, as with wit-bindgen: a value an import RETURNS belongs to the caller (free it with
 * the matching *_free function); arguments are only borrowed for the call. The `run` export gets
 * an `input` it owns and fills `ret` with memory that the bindings free after the host has read it
 * (in cabi_post_run).
 */
#ifndef KV_GUEST_H
#define KV_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kv_guest_string_t {
  uint8_t *ptr;
  size_t len;
} kv_guest_string_t;

typedef struct kv_guest_list_u8_t {
  uint8_t *ptr;
  size_t len;
} kv_guest_list_u8_t;

typedef struct kv_guest_list_string_t {
  kv_guest_string_t *ptr;
  size_t len;
} kv_guest_list_string_t;

/* variant error { not-found, too-large(u32), denied(string) } */
typedef struct warden_kv_store_error_t {
  uint8_t tag;
  union {
    uint32_t too_large;
    kv_guest_string_t denied;
  } val;
} warden_kv_store_error_t;

#define WARDEN_KV_STORE_ERROR_NOT_FOUND 0
#define WARDEN_KV_STORE_ERROR_TOO_LARGE 1
#define WARDEN_KV_STORE_ERROR_DENIED 2

/* enum kind { text, binary } */
typedef uint8_t warden_kv_store_kind_t;
#define WARDEN_KV_STORE_KIND_TEXT 0
#define WARDEN_KV_STORE_KIND_BINARY 1

/* flags perms { read, write, admin } */
typedef uint8_t warden_kv_store_perms_t;
#define WARDEN_KV_STORE_PERMS_READ (1 << 0)
#define WARDEN_KV_STORE_PERMS_WRITE (1 << 1)
#define WARDEN_KV_STORE_PERMS_ADMIN (1 << 2)

typedef struct warden_kv_store_entry_t {
  kv_guest_string_t key;
  kv_guest_list_u8_t value;
  warden_kv_store_kind_t kind;
} warden_kv_store_entry_t;

typedef struct warden_kv_store_list_entry_t {
  warden_kv_store_entry_t *ptr;
  size_t len;
} warden_kv_store_list_entry_t;

/* resource bucket: an owned handle (drop it) and a borrowed one (for method calls). */
typedef struct warden_kv_store_own_bucket_t {
  int32_t __handle;
} warden_kv_store_own_bucket_t;

typedef struct warden_kv_store_borrow_bucket_t {
  int32_t __handle;
} warden_kv_store_borrow_bucket_t;

/* Imported functions of `warden:kv/store@0.1.0`. A `bool` result is true for `some`/`ok`. */
bool warden_kv_store_get(kv_guest_string_t *key, kv_guest_string_t *ret);
bool warden_kv_store_set(kv_guest_string_t *key, kv_guest_string_t *value,
                         warden_kv_store_error_t *err);
uint32_t warden_kv_store_count(void);

warden_kv_store_own_bucket_t warden_kv_store_constructor_bucket(kv_guest_string_t *name);
bool warden_kv_store_method_bucket_get(warden_kv_store_borrow_bucket_t self,
                                       kv_guest_string_t *key, kv_guest_list_u8_t *ret);
bool warden_kv_store_method_bucket_set(warden_kv_store_borrow_bucket_t self,
                                       kv_guest_string_t *key, kv_guest_list_u8_t *value,
                                       warden_kv_store_error_t *err);
bool warden_kv_store_method_bucket_remove(warden_kv_store_borrow_bucket_t self,
                                          kv_guest_string_t *key, warden_kv_store_error_t *err);
void warden_kv_store_method_bucket_keys(warden_kv_store_borrow_bucket_t self,
                                        kv_guest_list_string_t *ret);
void warden_kv_store_method_bucket_entries(warden_kv_store_borrow_bucket_t self,
                                           warden_kv_store_list_entry_t *ret);
warden_kv_store_perms_t warden_kv_store_method_bucket_perms(warden_kv_store_borrow_bucket_t self);
bool warden_kv_store_static_bucket_open(kv_guest_string_t *name,
                                        warden_kv_store_own_bucket_t *ret,
                                        warden_kv_store_error_t *err);
void warden_kv_store_bucket_drop_own(warden_kv_store_own_bucket_t handle);
warden_kv_store_borrow_bucket_t warden_kv_store_borrow_bucket(warden_kv_store_own_bucket_t handle);

/* Export of the world: implement it. */
void exports_kv_guest_run(kv_guest_string_t *input, kv_guest_string_t *ret);

/* Helpers. `_set` points at a C string without copying it (do not free); `_dup` copies it. */
void kv_guest_string_set(kv_guest_string_t *ret, const char *s);
void kv_guest_string_dup(kv_guest_string_t *ret, const char *s);
void kv_guest_string_free(kv_guest_string_t *ptr);
void kv_guest_list_u8_free(kv_guest_list_u8_t *ptr);
void kv_guest_list_string_free(kv_guest_list_string_t *ptr);
void warden_kv_store_error_free(warden_kv_store_error_t *ptr);
void warden_kv_store_entry_free(warden_kv_store_entry_t *ptr);
void warden_kv_store_list_entry_free(warden_kv_store_list_entry_t *ptr);

#endif /* KV_GUEST_H */
