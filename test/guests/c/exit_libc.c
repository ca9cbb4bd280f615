/*
 * exit_libc: libc exit(7) runs atexit handlers, then flushes stdio, then
 * calls proc_exit(7). Expected stdout (exactly):
 *   "buffered before exit\natexit handler\n", exit status 7.
 */
#include <stdio.h>
#include <stdlib.h>

static void handler(void) { printf("atexit handler\n"); }

int main(void) {
    atexit(handler);
    setvbuf(stdout, NULL, _IOFBF, 4096); /* make sure it is buffered */
    printf("buffered before exit\n");
    exit(7);
}
