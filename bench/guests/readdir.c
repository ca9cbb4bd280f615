// Workload 4, in two phases chosen by argv[1], each a separate run of the guest on the same
// directory tree (the runner times only "list"):
//   readdir create N   makes directory "dir" holding N empty files f0000000 ... (not timed)
//   readdir list N [P] lists "dir" P times (default 1) with raw fd_readdir calls into a 32 KiB
//                      buffer, cookie by cookie, and checks that it saw exactly the N files
//                      (plus "." and ".." if the runtime reports them).
// Prints "ok readdir-create n=N" / "ok readdir-list n=N passes=P entries=E namesum=S".
#include "common.h"

#define BUFSZ (32 * 1024)
static uint8_t buf[BUFSZ];

static void create(__wasi_fd_t root, long n) {
  CHECK(__wasi_path_create_directory(root, "dir"), "path_create_directory");
  char name[32];
  for (long i = 0; i < n; i++) {
    snprintf(name, sizeof name, "dir/f%07ld", i);
    __wasi_fd_t fd = open_at(root, name, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, __WASI_RIGHTS_FD_WRITE, 0);
    CHECK(__wasi_fd_close(fd), "fd_close");
  }
  printf("ok readdir-create n=%ld\n", n);
}

// One listing: returns the number of "f..." entries; adds their name bytes to *namesum.
static long list_once(__wasi_fd_t root, uint64_t *namesum, long *dots) {
  __wasi_fd_t d = open_at(root, "dir", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0);
  __wasi_dircookie_t cookie = 0;
  long files = 0;
  for (;;) {
    __wasi_size_t used;
    CHECK(__wasi_fd_readdir(d, buf, BUFSZ, cookie, &used), "fd_readdir");
    size_t off = 0;
    int progressed = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t de;
      memcpy(&de, buf + off, sizeof de);
      if (off + sizeof de + de.d_namlen > used) break;  // cut off at the end of the buffer
      const char *name = (const char *)buf + off + sizeof de;
      if (name[0] == 'f') {
        files++;
        for (uint32_t k = 0; k < de.d_namlen; k++) *namesum += (uint8_t)name[k];
      } else {
        (*dots)++;
      }
      cookie = de.d_next;
      off += sizeof de + de.d_namlen;
      progressed = 1;
    }
    if (used < BUFSZ) break;  // the runtime had nothing more
    if (!progressed) die("a directory entry larger than the buffer", 0);
  }
  CHECK(__wasi_fd_close(d), "fd_close");
  return files;
}

int main(int argc, char **argv) {
  if (argc < 3) die("usage: readdir create|list N [passes]", 0);
  long n = arg_long(argc, argv, 2, 10000);
  __wasi_fd_t root = preopen_dir();
  if (strcmp(argv[1], "create") == 0) {
    create(root, n);
    return 0;
  }
  long passes = arg_long(argc, argv, 3, 1);
  uint64_t namesum = 0;
  long entries = 0, dots = 0;
  for (long p = 0; p < passes; p++) {
    long files = list_once(root, &namesum, &dots);
    if (files != n) die("wrong number of entries", (int)files);
    entries += files;
  }
  printf("ok readdir-list n=%ld passes=%ld entries=%ld namesum=%llu\n", n, passes, entries, (unsigned long long)namesum);
  return 0;
}
