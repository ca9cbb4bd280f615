// An echo server for wasm32-wasi: the host gives it a listening socket at fd 3 (warden run
// --listen). It serves N connections one after another (argv[1], default 1): every byte it
// receives it sends back, until the client closes; then it prints "served N" and exits.
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  static char buf[65536];
  for (int i = 0; i < n; i++) {
    int c = accept(3, NULL, NULL);
    if (c < 0) {
      perror("accept");
      return 1;
    }
    for (;;) {
      ssize_t r = recv(c, buf, sizeof buf, 0);
      if (r < 0) {
        perror("recv");
        return 2;
      }
      if (r == 0) break;
      for (ssize_t off = 0; off < r;) {
        ssize_t w = send(c, buf + off, (size_t)(r - off), 0);
        if (w < 0) {
          perror("send");
          return 3;
        }
        off += w;
      }
    }
    close(c);
  }
  printf("served %d\n", n);
  return 0;
}
