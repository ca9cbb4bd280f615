/*
 * proc_exit: __wasi_proc_exit(42) ends the program at once with status 42.
 * Nothing after it runs, atexit handlers do not run, buffered stdio is not
 * flushed. Expected stdout (exactly): "proc_exit: exiting with 42\n".
 */
#include "check.h"

static void handler(void) { printf("FAIL proc_exit.c: atexit handler ran\n"); }

int main(void) {
    atexit(handler);
    setvbuf(stdout, NULL, _IOFBF, 4096); /* fully buffered: never flushed */
    size_t n;
    const char msg[] = "proc_exit: exiting with 42\n";
    (void)write_all(1, msg, sizeof msg - 1, &n);
    printf("FAIL proc_exit.c: buffered output was flushed\n"); /* stays buffered */
    __wasi_proc_exit(42);
    write_all(1, "FAIL proc_exit.c: still running\n", 32, &n);
    return 1;
}
