// Workload 6: start-up. A plain libc hello world (args, environ, stdio init, one write, exit).
#include <stdio.h>

int main(void) {
  printf("hello world\n");
  return 0;
}
