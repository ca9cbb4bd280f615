/*
 * libc: the same escapes through wasi-libc (open, fopen, opendir, stat,
 * chdir + relative paths, mkdir, rename, link, symlink, truncate,
 * utimensat...), as an ordinary C program would try them. wasi-libc maps a
 * path to a preopen by its longest matching prefix and passes the rest,
 * "..", symlinks and all, to the runtime; its errno values are WASI's.
 *
 * Expectations (kinds, mapped to errnos by the test):
 *   escape      perm (63) / notcapable (76): the runtime refuses
 *   libc-nopre  notcapable (76) / noent (44): no preopen matches the
 *               absolute path, so wasi-libc refuses without a call
 *   loop        loop (32)
 *   ok          0: chdir into the box (setup)
 */
#include "attempt.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *kind, const char *op, const char *p, int rc) {
    begin_attempt(kind, op, p, strlen(p));
    put_errno(rc == 0 ? 0 : (unsigned)errno);
}

static void try_libc_open(const char *kind, const char *op, const char *p, int flags) {
    begin_attempt(kind, op, p, strlen(p));
    errno = 0;
    int fd = open(p, flags, 0644);
    if (fd < 0) {
        put_errno((unsigned)errno);
        return;
    }
    puts("OPENED");
    dump_fd((__wasi_fd_t)fd);
    close(fd);
}

/* Every libc call on one path; when the last component is a planted
 * symlink, only the calls that follow it (the others legitimately act on
 * the link itself, inside the box). */
static void libc_ops_(const char *kind, const char *p, int final_link) {
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/box");
    struct stat st;
    char buf[64];
    try_libc_open(kind, "open", p, O_RDONLY);
    try_libc_open(kind, "open-dir", p, O_RDONLY | O_DIRECTORY);
    try_libc_open(kind, "open-creat", p, O_WRONLY | O_CREAT);
    try_libc_open(kind, "open-creat-trunc", p, O_RDWR | O_CREAT | O_TRUNC);
    try_libc_open(kind, "open-append", p, O_WRONLY | O_APPEND);
    begin_attempt(kind, "fopen", p, strlen(p));
    errno = 0;
    FILE *f = fopen(p, "r");
    if (!f) put_errno((unsigned)errno);
    else {
        puts("OPENED");
        dump_fd((__wasi_fd_t)fileno(f));
        fclose(f);
    }
    begin_attempt(kind, "opendir", p, strlen(p));
    errno = 0;
    DIR *d = opendir(p);
    if (!d) put_errno((unsigned)errno);
    else {
        puts("OPENED");
        struct dirent *de;
        while ((de = readdir(d)) != NULL) printf("  entry: %s\n", de->d_name);
        closedir(d);
    }
    errno = 0;
    report(kind, "stat", p, stat(p, &st));
    errno = 0;
    report(kind, "access", p, access(p, F_OK));
    errno = 0;
    report(kind, "truncate", p, truncate(p, 0));
    errno = 0;
    report(kind, "utimensat", p, utimensat(AT_FDCWD, p, NULL, 0));
    errno = 0;
    report(kind, "chdir", p, chdir(p));
    (void)chdir(cwd);
    if (final_link) return;
    errno = 0;
    report(kind, "mkdir", p, mkdir(p, 0755));
    errno = 0;
    report(kind, "rmdir", p, rmdir(p));
    errno = 0;
    report(kind, "unlink", p, unlink(p));
    errno = 0;
    report(kind, "readlink", p, readlink(p, buf, sizeof buf) < 0 ? -1 : 0);
    errno = 0;
    report(kind, "symlink-at", p, symlink("inside.txt", p));
    errno = 0;
    report(kind, "link-from", p, link(p, "/box/libc-linked"));
    errno = 0;
    report(kind, "link-to", p, link("/box/victim-in.txt", p));
    errno = 0;
    report(kind, "rename-from", p, rename(p, "/box/libc-renamed"));
    errno = 0;
    report(kind, "rename-to", p, rename("/box/victim-in.txt", p));
}
static void libc_ops(const char *kind, const char *p) { libc_ops_(kind, p, 0); }
static void libc_ops_link(const char *kind, const char *p) { libc_ops_(kind, p, 1); }

int main(int argc, char **argv) {
    setup(argc, argv);
    char hp[512];

    static const char *const esc[] = {
        "/box/..", "/box/../canary.txt", "/box/../outside/secret.txt", "/box/../../canary-above.txt",
        "/box/sub/../../canary.txt", "/box//..//canary.txt", "/box/./../canary.txt",
        "/box/up/canary.txt", "/box/up/.", "/box/upfile/.", "/box/abs/.", "/box/absdir/secret.txt",
        "/box/root/etc/passwd", "/box/outlink/secret.txt", "/box/sub/updir/canary-above.txt",
        "/box/sub/deep/hop1/secret.txt", "/box/l2/.", "/box/tosub/../../canary.txt",
    };
    for (size_t i = 0; i < sizeof esc / sizeof *esc; i++) libc_ops("escape", esc[i]);
    static const char *const links[] = {
        "/box/up", "/box/upfile", "/box/abs", "/box/absdir", "/box/root", "/box/l2", "/box/trunc-link",
        "/box/dangle-link", "/box/abs-trunc", "/box/abs-dangle", "/box/sub/deep/hop1",
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) libc_ops_link("escape", links[i]);

    /* absolute paths that no preopen matches */
    static const char *const nopre[] = {"/etc/passwd", "/canary.txt", "//canary.txt", "/", "/boxx/x"};
    for (size_t i = 0; i < sizeof nopre / sizeof *nopre; i++) libc_ops("libc-nopre", nopre[i]);
    libc_ops("libc-nopre", host_path(hp, sizeof hp, "/w/canary.txt"));

    /* relative paths from a working directory inside the box */
    errno = 0;
    report("ok", "chdir", "/box/sub/deep", chdir("/box/sub/deep"));
    static const char *const rel[] = {"../../../canary.txt", "../../..", "../../up/canary.txt",
                                      "../updir/canary-above.txt", "hop1/secret.txt"};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        (void)chdir("/box/sub/deep");
        libc_ops("escape", rel[i]);
    }
    errno = 0;
    report("ok", "chdir", "/box", chdir("/box"));
    libc_ops("escape", "..");
    libc_ops("escape", "../canary.txt");
    libc_ops_link("loop", "/box/self");
    libc_ops_link("loop", "/box/c0");
    libc_ops("loop", "/box/la/x");
    return finish("libc");
}
