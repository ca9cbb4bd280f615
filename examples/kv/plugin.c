/*
 * A trusted plugin in C that EXPORTS the interface `warden:kv/store@0.1.0` (kv.wit), so the store
 * that kv-guest imports can be provided by wasm instead of TypeScript: an in-memory store of named
 * buckets (linked lists), the default bucket being the one called "default".
 *
 * Behaviour: values are at most 1024 bytes (larger: too-large(1024)); an empty key is
 * denied("empty key"); `set` stores text, `[method]bucket.set` binary; the constructor opens or
 * creates a bucket and its handle has perms read|write|admin; `[static]bucket.open` opens only an
 * existing bucket (else not-found) with perms read|write; a handle without `write` gets
 * denied("read-only handle") from set/remove (never happens with these perms, kept for the shape).
 *
 * Core wasm names (wit-bindgen's legacy mangling, as for a world `export store;`):
 *   exports  warden:kv/store@0.1.0#get, #set, #count, #[constructor]bucket, #[method]bucket.get,
 *            #[method]bucket.set, #[method]bucket.remove, #[method]bucket.keys,
 *            #[method]bucket.entries, #[method]bucket.perms, #[static]bucket.open, #[dtor]bucket;
 *            cabi_post_<export> for those whose result owns memory; cabi_realloc; memory;
 *            _initialize (a reactor)
 *   imports  module [export]warden:kv/store@0.1.0: [resource-new]bucket (rep -> handle),
 *            [resource-rep]bucket (handle -> rep), [resource-drop]bucket (handle)
 *
 * Flat signatures of the EXPORTS (lifted by the host: parameters as for imports, but a result of
 * more than one flat value is returned as a pointer to a return area in this module's memory,
 * which the host reads and then passes to cabi_post_<name>):
 *
 *   #get(key: string) -> option<string>        (i32 ptr, i32 len) -> i32 area
 *       area 12 bytes align 4: +0 u8 disc, +4 u32 ptr, +8 u32 len
 *   #set(key, value: string) -> result<_, error>
 *                                               (i32, i32, i32, i32) -> i32 area
 *       area 16 bytes align 4: +0 u8 disc; err: +4 u8 error tag, +8 u32 too-large |
 *       +8 u32 ptr, +12 u32 len (denied)
 *   #count() -> u32                             () -> i32
 *   #[constructor]bucket(name: string) -> own<bucket>
 *                                               (i32 ptr, i32 len) -> i32 handle
 *   #[method]bucket.get(self, key) -> option<list<u8>>
 *                                               (i32 self_rep, i32, i32) -> i32 area (12 bytes)
 *   #[method]bucket.set(self, key, value: list<u8>) -> result<_, error>
 *                                               (i32 self_rep, i32, i32, i32, i32) -> i32 area (16)
 *   #[method]bucket.remove(self, key) -> result<_, error>
 *                                               (i32 self_rep, i32, i32) -> i32 area (16)
 *   #[method]bucket.keys(self) -> list<string>  (i32 self_rep) -> i32 area
 *       area 8 bytes: +0 u32 ptr, +4 u32 count; elements { u32 ptr; u32 len } 8 bytes
 *   #[method]bucket.entries(self) -> list<entry>
 *                                               (i32 self_rep) -> i32 area (8 bytes)
 *       elements 20 bytes: +0 key ptr, +4 key len, +8 value ptr, +12 value len, +16 u8 kind
 *   #[method]bucket.perms(self) -> perms        (i32 self_rep) -> i32 (bits read=1 write=2 admin=4)
 *   #[static]bucket.open(name) -> result<bucket, error>
 *                                               (i32 ptr, i32 len) -> i32 area
 *       area 16 bytes: +0 u8 disc, +4 i32 handle (ok, made by [resource-new]) | +4 error (err)
 *   #[dtor]bucket                               (i32 rep) -> ()
 *
 * `self` of a method is the REP (what this module gave [resource-new]), not a handle: a borrow of
 * a resource lowered into the instance that implements it is its rep (CanonicalABI.md,
 * lower_borrow), as wit-bindgen's exports expect. The constructor and `open` return handles.
 * Strings and lists passed in were allocated by the host with cabi_realloc and belong to this
 * module (stored or freed here); results are malloc'd copies freed by cabi_post_*.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IFACE "warden:kv/store@0.1.0"
#define EXPORT(name) __attribute__((export_name(IFACE "#" name)))
#define POST(name) __attribute__((export_name("cabi_post_" IFACE "#" name)))
#define RESOURCE(name) __attribute__((import_module("[export]" IFACE), import_name(name)))

RESOURCE("[resource-new]bucket") int32_t bucket_resource_new(int32_t rep);
RESOURCE("[resource-rep]bucket") int32_t bucket_resource_rep(int32_t handle);
RESOURCE("[resource-drop]bucket") void bucket_resource_drop(int32_t handle);

enum { NOT_FOUND = 0, TOO_LARGE = 1, DENIED = 2 };
enum { TEXT = 0, BINARY = 1 };
enum { READ = 1, WRITE = 2, ADMIN = 4 };
#define MAX_VALUE 1024

typedef struct item {
  struct item *next;
  uint8_t *key, *value; /* owned; NULL when the length is 0 */
  size_t key_len, value_len;
  uint8_t kind;
} item;

typedef struct bucket {
  struct bucket *next;
  uint8_t *name;
  size_t name_len;
  item *items; /* in insertion order */
  uint32_t count;
} bucket;

/* The rep of a `bucket` handle: which bucket, with what rights. Freed by the destructor. */
typedef struct bucket_ref {
  bucket *b;
  uint8_t perms;
} bucket_ref;

static bucket *buckets;

/* ---- canonical ABI plumbing ---- */

__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *ptr, size_t old_size,
                                                                size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align; /* never freed: lengths of 0 are never freed */
  void *ret = realloc(ptr, new_size);
  if (!ret) abort();
  return ret;
}

/* A string or list the host passed in: ours to keep or free. */
static void free_param(uint8_t *ptr, size_t len) {
  if (len > 0) free(ptr);
}

/* The return area shared by every export (one call at a time; freed by cabi_post_*). */
static __attribute__((aligned(8))) uint8_t AREA[16];
#define AT(type, off) (*(type *)(AREA + (off)))

static uint8_t *dup(const uint8_t *src, size_t len) {
  uint8_t *p = malloc(len ? len : 1); /* results always point at a real allocation */
  if (!p) abort();
  if (len) memcpy(p, src, len);
  return p;
}

static uint8_t *put_ok(void) {
  AT(uint8_t, 0) = 0;
  return AREA;
}

static uint8_t *put_error(uint8_t tag, uint32_t limit, const char *reason) {
  AT(uint8_t, 0) = 1;
  AT(uint8_t, 4) = tag;
  if (tag == TOO_LARGE) AT(uint32_t, 8) = limit;
  if (tag == DENIED) {
    AT(uint8_t *, 8) = dup((const uint8_t *)reason, strlen(reason));
    AT(uint32_t, 12) = (uint32_t)strlen(reason);
  }
  return AREA;
}

static uint8_t *put_option_bytes(const item *it) {
  AT(uint8_t, 0) = it != NULL;
  if (it) {
    AT(uint8_t *, 4) = dup(it->value, it->value_len);
    AT(uint32_t, 8) = (uint32_t)it->value_len;
  }
  return AREA;
}

/* Post-return of option<string> / option<list<u8>>. */
static void post_option(uint8_t *area) {
  if (area[0] == 1) free(*(uint8_t **)(area + 4));
}

/* Post-return of result<_, error> and result<bucket, error>. */
static void post_result(uint8_t *area) {
  if (area[0] == 1 && area[4] == DENIED) free(*(uint8_t **)(area + 8));
}

/* ---- the store ---- */

static bucket *find_bucket(const uint8_t *name, size_t len) {
  for (bucket *b = buckets; b; b = b->next)
    if (b->name_len == len && memcmp(b->name, name, len) == 0) return b;
  return NULL;
}

/* Finds or creates the bucket called name; takes ownership of name. */
static bucket *open_bucket(uint8_t *name, size_t len) {
  bucket *b = find_bucket(name, len);
  if (b) {
    free_param(name, len);
    return b;
  }
  b = calloc(1, sizeof *b);
  if (!b) abort();
  b->name = len ? name : NULL;
  b->name_len = len;
  b->next = buckets;
  buckets = b;
  return b;
}

static bucket *default_bucket(void) {
  static bucket *d;
  if (!d) d = open_bucket(dup((const uint8_t *)"default", 7), 7);
  return d;
}

/* The link that points at key's item, or at the NULL ending the list. */
static item **find_item(bucket *b, const uint8_t *key, size_t len) {
  item **link = &b->items;
  while (*link && !((*link)->key_len == len && memcmp((*link)->key, key, len) == 0))
    link = &(*link)->next;
  return link;
}

/* Stores value under key; takes ownership of both. */
static uint8_t *store(bucket_ref *ref, uint8_t *key, size_t key_len, uint8_t *value,
                      size_t value_len, uint8_t kind) {
  const char *denied = !(ref->perms & WRITE) ? "read-only handle" : key_len == 0 ? "empty key" : NULL;
  if (denied || value_len > MAX_VALUE) {
    free_param(key, key_len);
    free_param(value, value_len);
    return denied ? put_error(DENIED, 0, denied) : put_error(TOO_LARGE, MAX_VALUE, NULL);
  }
  item **link = find_item(ref->b, key, key_len);
  item *it = *link;
  if (it) {
    free_param(key, key_len);
    free_param(it->value, it->value_len);
  } else {
    it = calloc(1, sizeof *it);
    if (!it) abort();
    it->key = key;
    it->key_len = key_len;
    *link = it;
    ref->b->count++;
  }
  it->value = value_len ? value : NULL;
  it->value_len = value_len;
  it->kind = kind;
  return put_ok();
}

static bucket_ref *new_ref(bucket *b, uint8_t perms) {
  bucket_ref *ref = malloc(sizeof *ref);
  if (!ref) abort();
  ref->b = b;
  ref->perms = perms;
  return ref;
}

/* A new own<bucket> handle for ref. */
static int32_t new_handle(bucket_ref *ref) {
  int32_t handle = bucket_resource_new((int32_t)(uintptr_t)ref);
  if (bucket_resource_rep(handle) != (int32_t)(uintptr_t)ref) abort(); /* runtime self-check */
  return handle;
}

/* ---- freestanding functions: the default bucket ---- */

EXPORT("get") uint8_t *kv_get(uint8_t *key, size_t key_len) {
  item *it = *find_item(default_bucket(), key, key_len);
  free_param(key, key_len);
  return put_option_bytes(it);
}
POST("get") void kv_get_post(uint8_t *area) { post_option(area); }

EXPORT("set") uint8_t *kv_set(uint8_t *key, size_t key_len, uint8_t *value, size_t value_len) {
  bucket_ref ref = {default_bucket(), READ | WRITE};
  return store(&ref, key, key_len, value, value_len, TEXT);
}
POST("set") void kv_set_post(uint8_t *area) { post_result(area); }

EXPORT("count") uint32_t kv_count(void) { return default_bucket()->count; }

/* ---- resource bucket ---- */

EXPORT("[constructor]bucket") int32_t bucket_constructor(uint8_t *name, size_t name_len) {
  return new_handle(new_ref(open_bucket(name, name_len), READ | WRITE | ADMIN));
}

EXPORT("[method]bucket.get") uint8_t *bucket_get(bucket_ref *self, uint8_t *key, size_t key_len) {
  item *it = *find_item(self->b, key, key_len);
  free_param(key, key_len);
  return put_option_bytes(it);
}
POST("[method]bucket.get") void bucket_get_post(uint8_t *area) { post_option(area); }

EXPORT("[method]bucket.set")
uint8_t *bucket_set(bucket_ref *self, uint8_t *key, size_t key_len, uint8_t *value, size_t value_len) {
  return store(self, key, key_len, value, value_len, BINARY);
}
POST("[method]bucket.set") void bucket_set_post(uint8_t *area) { post_result(area); }

EXPORT("[method]bucket.remove") uint8_t *bucket_remove(bucket_ref *self, uint8_t *key, size_t key_len) {
  item **link = find_item(self->b, key, key_len);
  free_param(key, key_len);
  if (!(self->perms & WRITE)) return put_error(DENIED, 0, "read-only handle");
  item *it = *link;
  if (!it) return put_error(NOT_FOUND, 0, NULL);
  *link = it->next;
  self->b->count--;
  free(it->key);
  free(it->value);
  free(it);
  return put_ok();
}
POST("[method]bucket.remove") void bucket_remove_post(uint8_t *area) { post_result(area); }

typedef struct { uint8_t *ptr; uint32_t len; } str_t;                                 /* 8 bytes */
typedef struct { uint8_t *key; uint32_t key_len; uint8_t *value; uint32_t value_len; uint8_t kind; } entry_t; /* 20 */
_Static_assert(sizeof(str_t) == 8 && sizeof(entry_t) == 20, "canonical ABI layouts");

EXPORT("[method]bucket.keys") uint8_t *bucket_keys(bucket_ref *self) {
  str_t *keys = malloc(self->b->count ? self->b->count * sizeof *keys : 1);
  if (!keys) abort();
  uint32_t n = 0;
  for (item *it = self->b->items; it; it = it->next, n++)
    keys[n] = (str_t){dup(it->key, it->key_len), (uint32_t)it->key_len};
  AT(str_t *, 0) = keys;
  AT(uint32_t, 4) = n;
  return AREA;
}
POST("[method]bucket.keys") void bucket_keys_post(uint8_t *area) {
  str_t *keys = *(str_t **)area;
  for (uint32_t i = 0; i < *(uint32_t *)(area + 4); i++) free(keys[i].ptr);
  free(keys);
}

EXPORT("[method]bucket.entries") uint8_t *bucket_entries(bucket_ref *self) {
  entry_t *entries = malloc(self->b->count ? self->b->count * sizeof *entries : 1);
  if (!entries) abort();
  uint32_t n = 0;
  for (item *it = self->b->items; it; it = it->next, n++)
    entries[n] = (entry_t){dup(it->key, it->key_len), (uint32_t)it->key_len,
                           dup(it->value, it->value_len), (uint32_t)it->value_len, it->kind};
  AT(entry_t *, 0) = entries;
  AT(uint32_t, 4) = n;
  return AREA;
}
POST("[method]bucket.entries") void bucket_entries_post(uint8_t *area) {
  entry_t *entries = *(entry_t **)area;
  for (uint32_t i = 0; i < *(uint32_t *)(area + 4); i++) {
    free(entries[i].key);
    free(entries[i].value);
  }
  free(entries);
}

EXPORT("[method]bucket.perms") uint32_t bucket_perms(bucket_ref *self) { return self->perms; }

EXPORT("[static]bucket.open") uint8_t *bucket_open(uint8_t *name, size_t name_len) {
  bucket *b = find_bucket(name, name_len);
  free_param(name, name_len);
  if (!b) return put_error(NOT_FOUND, 0, NULL);
  AT(uint8_t, 0) = 0;
  AT(int32_t, 4) = new_handle(new_ref(b, READ | WRITE));
  return AREA;
}
POST("[static]bucket.open") void bucket_open_post(uint8_t *area) { post_result(area); }

EXPORT("[dtor]bucket") void bucket_dtor(bucket_ref *rep) { free(rep); }

/*
 * [resource-drop]bucket is declared above as wit-bindgen declares it (for a module that drops a
 * handle it made); this store never does, and wasm-ld drops imports that nothing calls, so
 * plugin.wasm imports only [resource-new]bucket and [resource-rep]bucket.
 */
