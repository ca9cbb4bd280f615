// fdtool: what the tests of handles handed to other threads run in workers.
//   fdtool write <count> <tag>   writes "<tag> <i>\n" to fd 3, <count> times, one write(2) each
//   fdtool copy                  copies fd 3 to stdout until end of file
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "write") == 0) {
    int n = atoi(argv[2]);
    char line[128];
    for (int i = 0; i < n; i++) {
      int len = snprintf(line, sizeof line, "%s %d\n", argv[3], i);
      if (write(3, line, (size_t)len) != len) {
        perror("write");
        return 1;
      }
    }
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "copy") == 0) {
    char buf[4096];
    ssize_t r;
    while ((r = read(3, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)r, stdout);
    if (r < 0) perror("read");
    return r < 0;
  }
  fprintf(stderr, "usage: fdtool write <count> <tag> | fdtool copy\n");
  return 2;
}
