// A tiny HTTP/1.1 server for wasm32-wasi on the listening socket at fd 3: it answers N requests
// (argv[1], default 1) with "hello from wasm, you asked for <path>" and closes each connection.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  for (int i = 0; i < n; i++) {
    int c = accept(3, NULL, NULL);
    if (c < 0) {
      perror("accept");
      return 1;
    }
    char req[8192];
    size_t used = 0;
    while (used < sizeof req - 1) {
      ssize_t r = recv(c, req + used, sizeof req - 1 - used, 0);
      if (r <= 0) break;
      used += (size_t)r;
      req[used] = 0;
      if (strstr(req, "\r\n\r\n") != NULL) break;
    }
    req[used] = 0;
    char path[1024] = "/";
    sscanf(req, "GET %1023s", path);
    char body[1200];
    int blen = snprintf(body, sizeof body, "hello from wasm, you asked for %s\n", path);
    char head[256];
    int hlen = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", blen);
    send(c, head, (size_t)hlen, 0);
    send(c, body, (size_t)blen, 0);
    shutdown(c, SHUT_WR);
    close(c);
  }
  printf("answered %d\n", n);
  return 0;
}
