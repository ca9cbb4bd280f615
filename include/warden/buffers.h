/*
 * warden/buffers.h: reading strings and lists from the host in a guest that does not export
 * `cabi_realloc`.
 *
 * C99; build with `clang --target=wasm32-wasi -I include ...`. Only this header is needed: the
 * three functions below are imports that Warden provides to every plugin guest.
 *
 * THE CONVENTION ("buffer handles")
 *
 * Wherever the canonical ABI would call the guest's `cabi_realloc` to place a string or a list in
 * guest memory (the results of imported functions, the parameters of exported functions), Warden,
 * for a guest that exports no `cabi_realloc`, keeps the bytes on the host side in a *buffer* and
 * writes a buffer handle where the pointer would have gone. Everything else is as the canonical
 * ABI says:
 *
 *   - the pointer field holds a buffer handle (a u32, never 0);
 *   - the length field holds what it always holds: the UTF-8 byte length of a string, the element
 *     count of a list;
 *   - a buffer holds exactly the bytes that would have been written at the allocated address: list
 *     elements in canonical layout (size, alignment, padding). Pointer fields INSIDE those bytes
 *     (a string in a record in a list, a list of lists...) are buffer handles too, recursively,
 *     each taken separately;
 *   - a return area is still the caller's memory (the import writes into the retptr you pass) and
 *     an export still returns a pointer into your memory: only strings and lists become buffers.
 *
 * The guest copies a buffer into memory it allocated itself with `warden_buffer_take`, which also
 * frees the handle, or frees it unread with `warden_buffer_drop`. Warden never writes guest memory
 * the guest did not hand over and never calls memory.grow. At most 1024 buffers may be live per
 * instance: the host call that would create one more traps, so take or drop them as you go.
 * Buffers still live when the instance ends are released with it.
 *
 * WORKED EXAMPLE: `keys: func() -> list<string>` (a method of resource `bucket`)
 *
 * Flattened, the import is `(func (param i32 self) (param i32 retptr))`; the return area is
 * `{ u32 ptr; u32 len; }` (8 bytes, align 4). After the call, for keys ["a", "bc"]:
 *
 *     retptr+0: H1   a buffer handle, not a pointer
 *     retptr+4: 2    two elements
 *
 *   buffer H1 (16 bytes = 2 elements of 8 bytes, the canonical layout of `string`):
 *     +0: H2  +4: 1      element 0: a buffer handle holding "a"  (1 byte)
 *     +8: H3  +12: 2     element 1: a buffer handle holding "bc" (2 bytes)
 *
 * so the guest does:
 *
 *     struct { uint32_t handle, len; } ret;
 *     bucket_keys(self, &ret);
 *     warden_string_ref_t *items = warden_take_list(ret.handle, sizeof *items, 4, ret.len);
 *     for (uint32_t i = 0; i < ret.len; i++) {
 *       char *key = warden_take_string(items[i].handle, items[i].len);   // "a", then "bc"
 *       ...
 *     }
 *
 * or, for exactly this shape, `warden_take_string_list(ret.handle, ret.len)`.
 *
 * A `list<entry>` where `record entry { key: string, value: list<u8>, kind: kind }` is the same:
 * the list buffer holds 20-byte elements `{ u32 key_handle; u32 key_len; u32 value_handle;
 * u32 value_len; u8 kind; pad[3] }`, and each key and value is a buffer of its own.
 *
 * The helpers below allocate with the guest's own `malloc` and return NULL (after dropping the
 * handle so no buffer leaks) when the handle is not a live buffer of the expected size or memory
 * runs out.
 */
#ifndef WARDEN_BUFFERS_H
#define WARDEN_BUFFERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WARDEN_BUFFERS_IMPORT(name) \
  __attribute__((import_module("warden:abi/buffers"), import_name(name)))

/* The size in bytes of the buffer `handle`, or -1 if it is not a live buffer. */
WARDEN_BUFFERS_IMPORT("size") int32_t warden_buffer_size(uint32_t handle);

/*
 * Copies the whole buffer `handle` to [dst, dst + cap) if it fits (cap >= its size), frees the
 * handle and returns the size. Returns -1, freeing nothing, for a handle that is not a live
 * buffer or a cap smaller than the size. A destination outside the guest's memory traps.
 */
WARDEN_BUFFERS_IMPORT("take") int32_t warden_buffer_take(uint32_t handle, void *dst, uint32_t cap);

/* Frees the buffer `handle` unread; does nothing if it is not a live buffer. */
WARDEN_BUFFERS_IMPORT("drop") void warden_buffer_drop(uint32_t handle);

/* The lowered form of a string or a list whose pointer is a buffer handle. */
typedef struct warden_string_ref_t {
  uint32_t handle; /* buffer handle (never 0) */
  uint32_t len;    /* UTF-8 bytes for a string, elements for a list */
} warden_string_ref_t;

/*
 * Takes a string buffer of `len` bytes into a new malloc'd, NUL-terminated string (free it with
 * free). The string may itself contain NUL bytes: `len` is its real length.
 */
static inline char *warden_take_string(uint32_t handle, uint32_t len) {
  char *s = (len < UINT32_MAX && len <= INT32_MAX) ? (char *)malloc((size_t)len + 1) : NULL;
  if (s == NULL) {
    warden_buffer_drop(handle);
    return NULL;
  }
  if (warden_buffer_take(handle, s, len) != (int32_t)len) {
    free(s);
    warden_buffer_drop(handle); /* cap too small: the buffer is still live */
    return NULL;
  }
  s[len] = '\0';
  return s;
}

/*
 * Takes a list buffer of `count` elements of `elem_size` bytes (canonical size) into new malloc'd
 * memory aligned for `elem_align` (at most 8, the largest canonical alignment; malloc guarantees
 * it). Returns the elements (free with free), or NULL on failure. A list of 0 elements gives a
 * non-NULL pointer to 0 usable bytes.
 */
static inline void *warden_take_list(uint32_t handle, size_t elem_size, size_t elem_align,
                                     uint32_t count) {
  size_t bytes = elem_size * (size_t)count;
  void *p = NULL;
  if (elem_align <= 8 && (count == 0 || bytes / count == elem_size) && bytes <= INT32_MAX)
    p = malloc(bytes ? bytes : 1);
  if (p == NULL) {
    warden_buffer_drop(handle);
    return NULL;
  }
  if (warden_buffer_take(handle, p, (uint32_t)bytes) != (int32_t)bytes) {
    free(p);
    warden_buffer_drop(handle);
    return NULL;
  }
  return p;
}

/* Takes a `list<u8>` of `len` bytes (same as warden_take_list with elements of 1 byte). */
static inline uint8_t *warden_take_bytes(uint32_t handle, uint32_t len) {
  return (uint8_t *)warden_take_list(handle, 1, 1, len);
}

/*
 * Takes a `list<string>`: the list buffer, then every string in it. Returns `count` malloc'd
 * NUL-terminated strings in a malloc'd array (free each, then the array; or use
 * warden_free_string_list), or NULL on failure, in which case every buffer was taken or dropped.
 */
static inline char **warden_take_string_list(uint32_t handle, uint32_t count) {
  warden_string_ref_t *refs =
      (warden_string_ref_t *)warden_take_list(handle, sizeof(warden_string_ref_t), 4, count);
  char **out = refs ? (char **)calloc(count ? count : 1, sizeof(char *)) : NULL;
  int ok = out != NULL;
  for (uint32_t i = 0; refs != NULL && i < count; i++) {
    if (ok && (out[i] = warden_take_string(refs[i].handle, refs[i].len)) == NULL) ok = 0;
    else if (!ok) warden_buffer_drop(refs[i].handle);
  }
  free(refs);
  if (!ok && out != NULL) {
    for (uint32_t i = 0; i < count; i++) free(out[i]);
    free(out);
    out = NULL;
  }
  return out;
}

/* Frees what warden_take_string_list returned. */
static inline void warden_free_string_list(char **list, uint32_t count) {
  if (list == NULL) return;
  for (uint32_t i = 0; i < count; i++) free(list[i]);
  free(list);
}

#ifdef __cplusplus
}
#endif

#endif /* WARDEN_BUFFERS_H */
