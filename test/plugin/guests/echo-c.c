// A C guest of the round-trip tests (../wit/types.wit, world roundtrip), for a subset of the echo
// functions, written the way a guest without wit-bindgen would be: canonical-ABI structs by hand.
// Built twice (build.sh):
//   echo-c-realloc.wasm  (-DWITH_REALLOC) exports cabi_realloc: strings and lists arrive in memory;
//   echo-c-buffers.wasm  has no allocator export: strings and lists arrive as buffer handles
//                        (warden:abi/buffers), which it takes into its own memory, recursively.
// Each export materializes its arguments, calls the import of the same name, materializes the
// result the host wrote into the return area, and returns it.
#include <stddef.h>
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("test:types/echo@0.1.0"), import_name(name)))
#define BUF(name) __attribute__((import_module("warden:abi/buffers"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

typedef struct { uint32_t ptr, len; } str_t;   // string: ptr, byte length
typedef struct { uint32_t ptr, len; } list_t;  // list: ptr, element count
typedef struct { str_t name; list_t tags; } entry_t;
typedef struct { int32_t x, y; } point_t;
typedef struct { uint8_t is_some; str_t val; } option_string_t;
typedef struct { uint8_t is_err; union { str_t ok; uint32_t err; } val; } result_full_t;
typedef struct { uint8_t a; str_t b; double c; } tuple_t;
typedef struct {
  uint8_t tag;  // none, circle, rect, label, big, blob
  union { float circle; point_t rect; str_t label; uint64_t big; list_t blob; } val;
} shape_t;
typedef struct { uint8_t a; uint64_t b; float c; str_t d; list_t e; uint32_t f; uint8_t g; int16_t h; double i; } mixed_t;
typedef struct { uint8_t is_some; uint32_t val; } option_u32_t;
typedef struct {
  str_t a; uint64_t b; float c; list_t d; point_t e; option_u32_t f; uint8_t g; int8_t h; uint16_t i; double j; uint32_t k; str_t l;
} many_t;

_Static_assert(sizeof(entry_t) == 16, "entry");
_Static_assert(sizeof(option_string_t) == 12, "option<string>");
_Static_assert(sizeof(result_full_t) == 12, "result<string, u32>");
_Static_assert(sizeof(tuple_t) == 24 && offsetof(tuple_t, c) == 16, "tuple");
_Static_assert(sizeof(shape_t) == 16 && offsetof(shape_t, val) == 8, "shape");
_Static_assert(sizeof(mixed_t) == 56 && offsetof(mixed_t, i) == 48 && offsetof(mixed_t, h) == 42, "mixed");
_Static_assert(sizeof(many_t) == 72 && offsetof(many_t, j) == 48 && offsetof(many_t, l) == 60, "many");

IMPORT("e-u32") uint32_t imp_u32(uint32_t);
IMPORT("e-string") void imp_string(uint32_t, uint32_t, str_t *);
IMPORT("e-list-u8") void imp_list_u8(uint32_t, uint32_t, list_t *);
IMPORT("e-list-string") void imp_list_string(uint32_t, uint32_t, list_t *);
IMPORT("e-list-entry") void imp_list_entry(uint32_t, uint32_t, list_t *);
IMPORT("e-list-list") void imp_list_list(uint32_t, uint32_t, list_t *);
IMPORT("e-option-string") void imp_option_string(uint32_t, uint32_t, uint32_t, option_string_t *);
IMPORT("e-result-full") void imp_result_full(uint32_t, uint32_t, uint32_t, result_full_t *);
IMPORT("e-tuple") void imp_tuple(uint32_t, uint32_t, uint32_t, double, tuple_t *);
IMPORT("e-shape") void imp_shape(uint32_t, uint64_t, uint32_t, shape_t *);
IMPORT("e-mixed") void imp_mixed(uint32_t, uint64_t, float, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, double, mixed_t *);
IMPORT("e-many") void imp_many(many_t *, many_t *);

BUF("size") int32_t buf_size(uint32_t);
BUF("take") int32_t buf_take(uint32_t, void *, uint32_t);
BUF("drop") void buf_drop(uint32_t);

// --- memory

extern unsigned char __heap_base;
static uintptr_t heap;

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

static void *alloc(size_t size, size_t align) {
  if (heap == 0) heap = (uintptr_t)&__heap_base;
  heap = (heap + align - 1) & ~(uintptr_t)(align - 1);
  uintptr_t p = heap;
  heap += size;
  size_t have = __builtin_wasm_memory_size(0) * 65536;
  if (heap > have) {
    if (__builtin_wasm_memory_grow(0, (heap - have + 65535) / 65536) == (size_t)-1) __builtin_trap();
  }
  return (void *)p;
}

#ifdef WITH_REALLOC
EXPORT("cabi_realloc") void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old;
  (void)old_size;
  return alloc(new_size, align);
}
// With an allocator, everything already is in memory.
#define TAKE(field) ((void)0)
#else
/** Copies buffer `h` into fresh memory and returns its address (traps on a bad handle). */
static uint32_t take(uint32_t h) {
  int32_t n = buf_size(h);
  if (n < 0) __builtin_trap();
  void *p = alloc(n > 0 ? (size_t)n : 1, 8);
  if (buf_take(h, p, (uint32_t)n) != n) __builtin_trap();
  return (uint32_t)(uintptr_t)p;
}
#define TAKE(field) ((field) = take(field))
#endif

static void fix_string(str_t *s) { TAKE(s->ptr); }

static void fix_list_string(list_t *l) {
  TAKE(l->ptr);
  str_t *items = (str_t *)(uintptr_t)l->ptr;
  for (uint32_t i = 0; i < l->len; i++) fix_string(&items[i]);
}

static void fix_list_entry(list_t *l) {
  TAKE(l->ptr);
  entry_t *items = (entry_t *)(uintptr_t)l->ptr;
  for (uint32_t i = 0; i < l->len; i++) {
    fix_string(&items[i].name);
    fix_list_string(&items[i].tags);
  }
}

static void fix_list_list(list_t *l) {
  TAKE(l->ptr);
  list_t *items = (list_t *)(uintptr_t)l->ptr;
  for (uint32_t i = 0; i < l->len; i++) fix_list_string(&items[i]);
}

static void fix_shape(shape_t *s) {
  if (s->tag == 3) fix_string(&s->val.label);
  if (s->tag == 5) TAKE(s->val.blob.ptr);
}

static void fix_mixed(mixed_t *m) {
  fix_string(&m->d);
  TAKE(m->e.ptr);
}

static void fix_many(many_t *m) {
  fix_string(&m->a);
  TAKE(m->d.ptr);
  fix_string(&m->l);
}

// --- exports

static union {
  str_t s;
  list_t l;
  option_string_t os;
  result_full_t r;
  tuple_t t;
  shape_t sh;
  mixed_t m;
  many_t many;
} ret;

EXPORT("e-u32") uint32_t e_u32(uint32_t v) { return imp_u32(v); }

EXPORT("e-string") str_t *e_string(uint32_t ptr, uint32_t len) {
  str_t s = {ptr, len};
  fix_string(&s);
  imp_string(s.ptr, s.len, &ret.s);
  fix_string(&ret.s);
  return &ret.s;
}

EXPORT("e-list-u8") list_t *e_list_u8(uint32_t ptr, uint32_t len) {
  list_t l = {ptr, len};
  TAKE(l.ptr);
  imp_list_u8(l.ptr, l.len, &ret.l);
  TAKE(ret.l.ptr);
  return &ret.l;
}

EXPORT("e-list-string") list_t *e_list_string(uint32_t ptr, uint32_t len) {
  list_t l = {ptr, len};
  fix_list_string(&l);
  imp_list_string(l.ptr, l.len, &ret.l);
  fix_list_string(&ret.l);
  return &ret.l;
}

EXPORT("e-list-entry") list_t *e_list_entry(uint32_t ptr, uint32_t len) {
  list_t l = {ptr, len};
  fix_list_entry(&l);
  imp_list_entry(l.ptr, l.len, &ret.l);
  fix_list_entry(&ret.l);
  return &ret.l;
}

EXPORT("e-list-list") list_t *e_list_list(uint32_t ptr, uint32_t len) {
  list_t l = {ptr, len};
  fix_list_list(&l);
  imp_list_list(l.ptr, l.len, &ret.l);
  fix_list_list(&ret.l);
  return &ret.l;
}

EXPORT("e-option-string") option_string_t *e_option_string(uint32_t is_some, uint32_t ptr, uint32_t len) {
  str_t s = {ptr, len};
  if (is_some) fix_string(&s);
  imp_option_string(is_some, s.ptr, s.len, &ret.os);
  if (ret.os.is_some) fix_string(&ret.os.val);
  return &ret.os;
}

EXPORT("e-result-full") result_full_t *e_result_full(uint32_t is_err, uint32_t a, uint32_t b) {
  str_t s = {a, b};
  if (!is_err) fix_string(&s);
  imp_result_full(is_err, is_err ? a : s.ptr, is_err ? b : s.len, &ret.r);
  if (!ret.r.is_err) fix_string(&ret.r.val.ok);
  return &ret.r;
}

EXPORT("e-tuple") tuple_t *e_tuple(uint32_t a, uint32_t ptr, uint32_t len, double c) {
  str_t s = {ptr, len};
  fix_string(&s);
  imp_tuple(a, s.ptr, s.len, c, &ret.t);
  fix_string(&ret.t.b);
  return &ret.t;
}

EXPORT("e-shape") shape_t *e_shape(uint32_t tag, uint64_t a, uint32_t b) {
  if (tag == 3 || tag == 5) {
    uint32_t p = (uint32_t)a;
    TAKE(p);
    a = p;
  }
  imp_shape(tag, a, b, &ret.sh);
  fix_shape(&ret.sh);
  return &ret.sh;
}

EXPORT("e-mixed") mixed_t *e_mixed(uint32_t a, uint64_t b, float c, uint32_t dp, uint32_t dl, uint32_t ep, uint32_t el, uint32_t f, uint32_t g, uint32_t h, double i) {
  str_t d = {dp, dl};
  list_t e = {ep, el};
  fix_string(&d);
  TAKE(e.ptr);
  imp_mixed(a, b, c, d.ptr, d.len, e.ptr, e.len, f, g, h, i, &ret.m);
  fix_mixed(&ret.m);
  return &ret.m;
}

// 17 flat parameters: they arrive as a pointer to a tuple in memory (or a buffer holding it).
EXPORT("e-many") many_t *e_many(uint32_t args) {
#ifndef WITH_REALLOC
  args = take(args);
#endif
  many_t *m = (many_t *)(uintptr_t)args;
  fix_many(m);
  imp_many(m, &ret.many);
  fix_many(&ret.many);
  return &ret.many;
}
