/*
 * attempt.h - shared by the hostile guests of test/security/.
 *
 * Contract with test/security/escape.test.ts:
 *   - argv[1] is the absolute host path of the test's temp dir ("$T"); the
 *     preopen under attack is found by its guest name (fd_prestat_dir_name).
 *   - every attempt prints exactly one line
 *         attempt <kind> <op> <label>: <result>
 *     <kind> names the expectation (the test maps it to the errnos it
 *     accepts, see KINDS in escape.test.ts); <op> and <label> contain no
 *     spaces; <result> is one of
 *         errno <n>   the call returned n (0 = it succeeded)
 *         OPENED      a path_open succeeded (a failure for every escape kind);
 *                     what it reads is dumped on the following "  read:" /
 *                     "  entry:" lines, so a leaked secret shows in stdout
 *         INSIDE      the call succeeded and provably acted inside the box
 *         OUTSIDE     the call succeeded and provably did not
 *   - labels never contain the random temp path: "$T" stands for it.
 *   - the last line is "done <guest> <attempts>"; exit code 0.
 *
 * Paths go through raw imports (pointer + length) so that NUL bytes and
 * arbitrary lengths can be passed; the helpers of test/guests/c/check.h
 * (errno names, rights sets, read_full) are reused.
 */
#ifndef WARDEN_ATTEMPT_H
#define WARDEN_ATTEMPT_H

#include "../../guests/c/check.h"

#define WASI_IMPORT(n) __attribute__((import_module("wasi_snapshot_preview1"), import_name(n)))
WASI_IMPORT("path_open") int32_t raw_path_open(int32_t, int32_t, const char *, size_t, int32_t, int64_t, int64_t, int32_t, uint32_t *);
WASI_IMPORT("path_filestat_get") int32_t raw_path_filestat_get(int32_t, int32_t, const char *, size_t, __wasi_filestat_t *);
WASI_IMPORT("path_filestat_set_times") int32_t raw_path_filestat_set_times(int32_t, int32_t, const char *, size_t, int64_t, int64_t, int32_t);
WASI_IMPORT("path_create_directory") int32_t raw_path_create_directory(int32_t, const char *, size_t);
WASI_IMPORT("path_remove_directory") int32_t raw_path_remove_directory(int32_t, const char *, size_t);
WASI_IMPORT("path_unlink_file") int32_t raw_path_unlink_file(int32_t, const char *, size_t);
WASI_IMPORT("path_readlink") int32_t raw_path_readlink(int32_t, const char *, size_t, uint8_t *, size_t, uint32_t *);
WASI_IMPORT("path_symlink") int32_t raw_path_symlink(const char *, size_t, int32_t, const char *, size_t);
WASI_IMPORT("path_link") int32_t raw_path_link(int32_t, int32_t, const char *, size_t, int32_t, const char *, size_t);
WASI_IMPORT("path_rename") int32_t raw_path_rename(int32_t, const char *, size_t, int32_t, const char *, size_t);

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define READ_RIGHTS                                                            \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_SEEK | \
     __WASI_RIGHTS_FD_FILESTAT_GET)

static const char *HOST = ""; /* argv[1] */
static size_t HOST_LEN = 0;
static unsigned n_attempts = 0;

/* Prints bytes so that the line stays one line of printable ASCII: the
 * host temp dir becomes "$T", other bytes outside '!'..'~' (and '\') become
 * \xNN, long strings are cut to 48 bytes plus their length. */
static void put_escaped(const char *p, size_t len) {
    size_t i = 0, shown = len > 64 ? 48 : len;
    if (HOST_LEN > 0 && len >= HOST_LEN && memcmp(p, HOST, HOST_LEN) == 0) {
        fputs("$T", stdout);
        i = HOST_LEN;
        if (len > 64) shown = HOST_LEN + 48;
    }
    for (; i < shown; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c > ' ' && c < 0x7f && c != '\\') putchar(c);
        else printf("\\x%02x", c);
    }
    if (shown < len) printf("...(%zu-bytes)", len);
}

static void begin_attempt(const char *kind, const char *op, const char *p, size_t len) {
    n_attempts++;
    printf("attempt %s %s ", kind, op);
    if (len == 0) fputs("(empty)", stdout);
    else put_escaped(p, len);
    fputs(": ", stdout);
}

static void put_errno(unsigned e) {
    printf("errno %u\n", e);
    fflush(stdout);
}

/* One attempt whose outcome is an errno. */
#define ATTEMPT(kind, op, p, len, call)                                        \
    do {                                                                       \
        begin_attempt((kind), (op), (p), (len));                               \
        put_errno((unsigned)(call));                                           \
    } while (0)

/* Dumps what an fd that should never have been opened gives access to. */
static void dump_fd(__wasi_fd_t fd) {
    __wasi_fdstat_t fs;
    if (__wasi_fd_fdstat_get(fd, &fs) == 0 && fs.fs_filetype == __WASI_FILETYPE_DIRECTORY) {
        static uint8_t buf[4096];
        __wasi_size_t used = 0;
        if (__wasi_fd_readdir(fd, buf, sizeof buf, 0, &used) == 0) {
            size_t off = 0;
            while (off + sizeof(__wasi_dirent_t) <= used) {
                __wasi_dirent_t d;
                memcpy(&d, buf + off, sizeof d);
                off += sizeof d;
                size_t n = d.d_namlen;
                if (off + n > used) n = used - off;
                fputs("  entry: ", stdout);
                put_escaped((const char *)buf + off, n);
                putchar('\n');
                off += d.d_namlen;
            }
        }
    } else {
        char buf[512];
        size_t n = 0;
        if (read_full(fd, buf, sizeof buf, &n) == 0 && n > 0) {
            fputs("  read: ", stdout);
            put_escaped(buf, n > 64 ? 64 : n);
            putchar('\n');
        }
    }
    fflush(stdout);
}

/* A path_open attempt: prints OPENED (and dumps what it got) or the errno. */
static void try_open(const char *kind, const char *op, __wasi_fd_t dir, const char *p, size_t len,
                     int lookup, int oflags, __wasi_rights_t base) {
    uint32_t fd = 0;
    begin_attempt(kind, op, p, len);
    unsigned e = (unsigned)raw_path_open((int32_t)dir, lookup, p, len, oflags, (int64_t)base,
                                         (int64_t)DIR_INHERITING, 0, &fd);
    if (e != 0) {
        put_errno(e);
        return;
    }
    puts("OPENED");
    dump_fd(fd);
    (void)__wasi_fd_close(fd);
}

/* The fd whose preopen name is `name`, or exits. */
static __wasi_fd_t find_preopen(const char *name) {
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
        char buf[256];
        size_t n = ps.u.dir.pr_name_len;
        if (n >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, n) != 0) continue;
        buf[n] = 0;
        if (strcmp(buf, name) == 0) return fd;
    }
    printf("no preopen named %s\n", name);
    exit(3);
}

static void setup(int argc, char **argv) {
    if (argc < 2) {
        puts("usage: <guest> <absolute host temp dir>");
        exit(2);
    }
    HOST = argv[1];
    HOST_LEN = strlen(HOST);
}

/* "$T" + rest, in a static buffer (one at a time). */
static const char *host_path(char *buf, size_t cap, const char *rest) {
    snprintf(buf, cap, "%s%s", HOST, rest);
    return buf;
}

static int finish(const char *name) {
    printf("done %s %u\n", name, n_attempts);
    fflush(stdout);
    return 0;
}

#endif
