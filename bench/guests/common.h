// Shared helpers of the benchmark guests: find the preopened directory, fail loudly.
// The timed loops call the WASI functions directly (<wasi/api.h>), not libc, so what is
// measured is the runtime's syscall path and not wasi-libc's buffering or fd bookkeeping.
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static inline void die(const char *what, int err) {
  fprintf(stderr, "FAIL %s (errno %d)\n", what, err);
  exit(1);
}

#define CHECK(call, what)                                                                          \
  do {                                                                                             \
    __wasi_errno_t e_ = (call);                                                                    \
    if (e_ != 0) die(what, e_);                                                                    \
  } while (0)

// The first preopened directory (every runner preopens exactly one, at fd 3).
static inline __wasi_fd_t preopen_dir(void) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t p;
    if (__wasi_fd_prestat_get(fd, &p) == 0 && p.tag == __WASI_PREOPENTYPE_DIR) return fd;
  }
  die("no preopened directory", 0);
  return 0;
}

static inline long arg_long(int argc, char **argv, int i, long dflt) {
  return argc > i ? strtol(argv[i], NULL, 10) : dflt;
}

#define RIGHTS_RW                                                                                  \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
   __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define RIGHTS_DIR                                                                                 \
  (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE |           \
   __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_FD_FILESTAT_GET)

static inline __wasi_fd_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                           __wasi_rights_t inheriting) {
  __wasi_fd_t fd;
  CHECK(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, inheriting, 0, &fd), path);
  return fd;
}
#endif
