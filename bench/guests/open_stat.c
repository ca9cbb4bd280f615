// Workload 3: COUNT (default 100,000) x (path_open, fd_filestat_get, fd_close) of one existing
// file. The file (100 bytes, "target.txt" in the preopened directory) is created by the guest
// before the loop. Prints "ok open_stat count=N size=100".
#include "common.h"

int main(int argc, char **argv) {
  long count = arg_long(argc, argv, 1, 100000);
  __wasi_fd_t dir = preopen_dir();
  __wasi_fd_t fd = open_at(dir, "target.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0);
  uint8_t data[100];
  memset(data, 'x', sizeof data);
  __wasi_ciovec_t iov = {data, sizeof data};
  __wasi_size_t n;
  CHECK(__wasi_fd_write(fd, &iov, 1, &n), "fd_write");
  CHECK(__wasi_fd_close(fd), "fd_close");
  for (long i = 0; i < count; i++) {
    fd = open_at(dir, "target.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET, 0);
    __wasi_filestat_t st;
    CHECK(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
    if (st.size != 100 || st.filetype != __WASI_FILETYPE_REGULAR_FILE) die("wrong filestat", (int)st.size);
    CHECK(__wasi_fd_close(fd), "fd_close");
  }
  printf("ok open_stat count=%ld size=100\n", count);
  return 0;
}
