// Workload 1: COUNT (default 1,000,000) writes of 16 bytes each to one new file, every write a
// raw fd_write of one 16-byte iovec. Prints "ok small_writes count=N bytes=B sum=S".
#include "common.h"

int main(int argc, char **argv) {
  long count = arg_long(argc, argv, 1, 1000000);
  __wasi_fd_t dir = preopen_dir();
  __wasi_fd_t fd = open_at(dir, "small.bin", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0);
  uint8_t rec[16];
  memcpy(rec, "warden-bench-rec", 16);
  __wasi_ciovec_t iov = {rec, sizeof rec};
  uint64_t sum = 0;
  for (long i = 0; i < count; i++) {
    uint32_t v = (uint32_t)i;
    memcpy(rec + 12, &v, 4);  // each record differs, so a runtime that drops writes is caught
    __wasi_size_t n;
    CHECK(__wasi_fd_write(fd, &iov, 1, &n), "fd_write");
    if (n != sizeof rec) die("short write", (int)n);
    sum += v;
  }
  __wasi_filestat_t st;
  CHECK(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
  CHECK(__wasi_fd_close(fd), "fd_close");
  if (st.size != (uint64_t)count * 16) die("file size after writing", (int)st.size);
  printf("ok small_writes count=%ld bytes=%llu sum=%llu\n", count, (unsigned long long)st.size, (unsigned long long)sum);
  return 0;
}
