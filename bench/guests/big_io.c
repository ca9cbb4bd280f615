// Workload 2: MIB (default 256) MiB written to a new file in 64 KiB fd_writes, then read back
// from offset 0 in 64 KiB fd_reads and checked (each chunk starts with its index; one byte in
// every chunk is compared). Prints "ok big_io bytes=B read=R".
#include "common.h"

#define CHUNK (64 * 1024)
static uint8_t buf[CHUNK];

int main(int argc, char **argv) {
  long mib = arg_long(argc, argv, 1, 256);
  uint64_t chunks = (uint64_t)mib * 1024 * 1024 / CHUNK;
  __wasi_fd_t dir = preopen_dir();
  __wasi_fd_t fd = open_at(dir, "big.bin", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0);
  for (int i = 0; i < CHUNK; i++) buf[i] = (uint8_t)(i * 31 + 7);
  for (uint64_t c = 0; c < chunks; c++) {
    memcpy(buf, &c, 8);
    __wasi_ciovec_t iov = {buf, CHUNK};
    __wasi_size_t n;
    CHECK(__wasi_fd_write(fd, &iov, 1, &n), "fd_write");
    if (n != CHUNK) die("short write", (int)n);
  }
  __wasi_filesize_t pos;
  CHECK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), "fd_seek");
  uint64_t total = 0, c = 0;
  for (;;) {
    __wasi_iovec_t iov = {buf, CHUNK};
    __wasi_size_t n;
    CHECK(__wasi_fd_read(fd, &iov, 1, &n), "fd_read");
    if (n == 0) break;
    if (n != CHUNK) die("short read", (int)n);
    uint64_t idx;
    memcpy(&idx, buf, 8);
    if (idx != c) die("chunk index mismatch", (int)c);
    int probe = 8 + (int)(c % (CHUNK - 8));
    if (buf[probe] != (uint8_t)(probe * 31 + 7)) die("chunk content mismatch", (int)c);
    total += n;
    c++;
  }
  CHECK(__wasi_fd_close(fd), "fd_close");
  if (total != chunks * CHUNK) die("read back a different size", (int)(total >> 20));
  printf("ok big_io bytes=%llu read=%llu\n", (unsigned long long)(chunks * CHUNK), (unsigned long long)total);
  return 0;
}
