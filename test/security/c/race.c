/*
 * race: the guest half of the host-side race test. While the test process
 * keeps swapping box/sub/dir between a real directory (holding target.txt =
 * "inside-target\n" and marker.txt) and a symlink to the outside canary
 * directory $T/w/outside (holding target.txt and secret.txt with secrets),
 * the guest uses paths through sub/dir for argv[2] milliseconds.
 *
 * A runtime that checks each component and then names the file to the OS by
 * its host path can be redirected by such a swap; it must not be. The
 * guest counts, per operation, results inside, refusals (any errno: the
 * swap makes noent, perm, notdir, loop all legitimate), and escapes
 * (anything read, listed or found that is not the real directory's).
 *
 * Output: one "attempt race <op> <path>: INSIDE|OUTSIDE" line per
 * operation (OUTSIDE if any iteration escaped; INSIDE if none did, even if
 * all were refused), then "  race <op>: inside <n> refused <n> outside <n>"
 * lines with the (non-deterministic) counts.
 */
#include "attempt.h"

static __wasi_fd_t BOX;

struct counts { unsigned inside, refused, outside; };
enum { OPEN, STAT_SECRET, CREAT, MKDIR, READDIR, LIST_NAMES, NOPS };
static const char *const names[NOPS] = {"open-target", "stat-secret", "creat", "mkdir", "readdir", "readdir-names"};
static const char *const paths[NOPS] = {"sub/dir/target.txt", "sub/dir/secret.txt", "sub/dir/made.txt",
                                        "sub/dir/made-dir", "sub/dir", "sub/dir"};
static struct counts c[NOPS];

static uint64_t now_ms(void) {
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1000, &t);
    return t / 1000000;
}

int main(int argc, char **argv) {
    setup(argc, argv);
    BOX = find_preopen("/box");
    uint64_t ms = argc > 2 ? (uint64_t)atoi(argv[2]) : 1500;
    uint64_t end = now_ms() + ms;
    unsigned iterations = 0;
    char buf[256];
    static uint8_t lbuf[4096];

    while (now_ms() < end) {
        iterations++;
        uint32_t fd;
        size_t n;
        __wasi_filestat_t st;

        /* read a file through the swapped directory */
        if (raw_path_open(BOX, 0, paths[OPEN], strlen(paths[OPEN]), 0, READ_RIGHTS, 0, 0, &fd) == 0) {
            n = 0;
            (void)read_full(fd, buf, sizeof buf - 1, &n);
            (void)__wasi_fd_close(fd);
            if (n == 14 && memcmp(buf, "inside-target\n", 14) == 0) c[OPEN].inside++;
            else {
                c[OPEN].outside++;
                fputs("  read: ", stdout);
                put_escaped(buf, n);
                putchar('\n');
            }
        } else c[OPEN].refused++;

        /* a name that exists only outside */
        if (raw_path_filestat_get(BOX, 0, paths[STAT_SECRET], strlen(paths[STAT_SECRET]), &st) == 0) c[STAT_SECRET].outside++;
        else c[STAT_SECRET].refused++;

        /* create and remove a file and a directory through it: if one
         * landed outside, the test's outside listing / mtimes catch it too */
        if (raw_path_open(BOX, 0, paths[CREAT], strlen(paths[CREAT]), __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, 0, &fd) == 0) {
            (void)__wasi_fd_close(fd);
            c[CREAT].inside++; /* where it landed: the test's listing and mtimes tell */
            (void)raw_path_unlink_file(BOX, paths[CREAT], strlen(paths[CREAT]));
        } else c[CREAT].refused++;
        if (raw_path_create_directory(BOX, paths[MKDIR], strlen(paths[MKDIR])) == 0) {
            c[MKDIR].inside++;
            (void)raw_path_remove_directory(BOX, paths[MKDIR], strlen(paths[MKDIR]));
        } else c[MKDIR].refused++;

        /* open the directory and list it */
        if (raw_path_open(BOX, 0, "sub/dir", 7, __WASI_OFLAGS_DIRECTORY, DIR_BASE | __WASI_RIGHTS_FD_READDIR, DIR_INHERITING, 0, &fd) == 0) {
            __wasi_size_t used = 0;
            if (__wasi_fd_readdir(fd, lbuf, sizeof lbuf, 0, &used) == 0) {
                int marker = 0, secret = 0;
                size_t off = 0;
                while (off + sizeof(__wasi_dirent_t) <= used) {
                    __wasi_dirent_t de;
                    memcpy(&de, lbuf + off, sizeof de);
                    off += sizeof de;
                    size_t len = de.d_namlen;
                    if (off + len > used) len = used - off;
                    if (len == 10 && memcmp(lbuf + off, "marker.txt", 10) == 0) marker = 1;
                    if (len == 10 && memcmp(lbuf + off, "secret.txt", 10) == 0) secret = 1;
                    if (len > 7 && memcmp(lbuf + off, "secret-", 7) == 0) secret = 1;
                    off += de.d_namlen;
                }
                /* names of the outside directory in the listing: an escape */
                if (secret) {
                    c[LIST_NAMES].outside++;
                    dump_fd(fd);
                } else c[LIST_NAMES].inside++;
                /* a listing without the real directory's marker: the listing
                 * was read from somewhere else */
                if (marker) c[READDIR].inside++;
                else c[READDIR].outside++;
            } else {
                c[READDIR].refused++;
                c[LIST_NAMES].refused++;
            }
            (void)__wasi_fd_close(fd);
        } else {
            c[READDIR].refused++;
            c[LIST_NAMES].refused++;
        }
    }
    for (int i = 0; i < NOPS; i++) {
        const char *kind = i == READDIR ? "race-listing" : "race";
        begin_attempt(kind, names[i], paths[i], strlen(paths[i]));
        puts(c[i].outside ? "OUTSIDE" : "INSIDE");
    }
    for (int i = 0; i < NOPS; i++)
        printf("  race %s: inside %u refused %u outside %u\n", names[i], c[i].inside, c[i].refused, c[i].outside);
    printf("  race iterations %u\n", iterations);
    return finish("race");
}
