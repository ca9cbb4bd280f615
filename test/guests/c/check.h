/*
 * check.h - tiny assertion helpers shared by the Warden guest programs.
 *
 * Contract (see test/guests/README.md):
 *   - every failed check prints one line
 *       FAIL <file>:<line>: <what> (got X want Y)
 *     to stdout and the program keeps going;
 *   - DONE("name") prints "ok name" and returns 0 when nothing failed,
 *     otherwise returns 1 (so `return DONE("x");` from main gives the exit code).
 *
 * Errnos are printed as "<name>(<number>)", e.g. "noent(44)".
 */
#ifndef WARDEN_CHECK_H
#define WARDEN_CHECK_H

#include <wasi/api.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The single preopened directory ("/sandbox") every program gets. */
#define SANDBOX ((__wasi_fd_t)3)

static int check_failures = 0;

/* Optional context printed in FAIL lines (e.g. the path being tested). */
static const char *check_ctx = NULL;

static const char *errno_name(unsigned e) {
    static const char *const names[] = {
        "success", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport",
        "again", "already", "badf", "badmsg", "busy", "canceled", "child",
        "connaborted", "connrefused", "connreset", "deadlk", "destaddrreq",
        "dom", "dquot", "exist", "fault", "fbig", "hostunreach", "idrm",
        "ilseq", "inprogress", "intr", "inval", "io", "isconn", "isdir",
        "loop", "mfile", "mlink", "msgsize", "multihop", "nametoolong",
        "netdown", "netreset", "netunreach", "nfile", "nobufs", "nodev",
        "noent", "noexec", "nolck", "nolink", "nomem", "nomsg", "noprotoopt",
        "nospc", "nosys", "notconn", "notdir", "notempty", "notrecoverable",
        "notsock", "notsup", "notty", "nxio", "overflow", "ownerdead", "perm",
        "pipe", "proto", "protonosupport", "prototype", "range", "rofs",
        "spipe", "srch", "stale", "timedout", "txtbsy", "xdev", "notcapable",
    };
    if (e < sizeof(names) / sizeof(names[0])) return names[e];
    return "unknown";
}

static void check_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    printf("FAIL %s:%d: ", file, line);
    if (check_ctx) printf("[%s] ", check_ctx);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    check_failures++;
}

#define FAIL(...) check_fail(__FILE_NAME__, __LINE__, __VA_ARGS__)

/* Generic boolean check. */
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) FAIL("%s (got false want true)", #cond);                  \
    } while (0)

/* A wasi call that must succeed. Evaluates to the errno. */
#define CHECK_OK(expr)                                                         \
    ({                                                                         \
        unsigned e_ = (unsigned)(expr);                                        \
        if (e_ != 0)                                                           \
            FAIL("%s (got %s(%u) want success)", #expr, errno_name(e_), e_);   \
        e_;                                                                    \
    })

static int errno_in(unsigned e, const int *allowed) {
    for (; *allowed >= 0; allowed++)
        if ((unsigned)*allowed == e) return 1;
    return 0;
}

static void errno_list(char *out, size_t n, const int *allowed) {
    out[0] = 0;
    for (int i = 0; allowed[i] >= 0; i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s(%d)", i ? " or " : "",
                 errno_name((unsigned)allowed[i]), allowed[i]);
    }
}

/* A wasi call that must fail with one of the listed errnos. */
#define CHECK_ERR(expr, ...)                                                   \
    ({                                                                         \
        static const int allowed_[] = {__VA_ARGS__, -1};                       \
        unsigned e_ = (unsigned)(expr);                                        \
        if (!errno_in(e_, allowed_)) {                                         \
            char want_[256];                                                   \
            errno_list(want_, sizeof want_, allowed_);                         \
            FAIL("%s (got %s(%u) want %s)", #expr, errno_name(e_), e_, want_); \
        }                                                                      \
        e_;                                                                    \
    })

#define CHECK_EQ(got, want)                                                    \
    do {                                                                       \
        unsigned long long g_ = (unsigned long long)(got);                     \
        unsigned long long w_ = (unsigned long long)(want);                    \
        if (g_ != w_) FAIL("%s == %s (got %llu want %llu)", #got, #want, g_, w_); \
    } while (0)

#define CHECK_STR(got, want)                                                   \
    do {                                                                       \
        const char *g_ = (got);                                                \
        const char *w_ = (want);                                               \
        if (!g_ || strcmp(g_, w_) != 0)                                        \
            FAIL("%s (got \"%s\" want \"%s\")", #got, g_ ? g_ : "(null)", w_);  \
    } while (0)

#define CHECK_MEM(got, want, len)                                              \
    do {                                                                       \
        if (memcmp((got), (want), (len)) != 0)                                 \
            FAIL("memcmp(%s, %s, %s) (got different bytes want equal)", #got,  \
                 #want, #len);                                                 \
    } while (0)

static int check_done(const char *name) {
    if (check_failures == 0) {
        printf("ok %s\n", name);
        fflush(stdout);
        return 0;
    }
    fflush(stdout);
    return 1;
}
#define DONE(name) check_done(name)

/* ---- small wasi helpers ---------------------------------------------- */

#define RIGHTS_ALL ((__wasi_rights_t)0x1FFFFFFF)
#define RW_RIGHTS                                                              \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |  \
     __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |                   \
     __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | \
     __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |                     \
     __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SYNC |                       \
     __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_POLL_FD_READWRITE)

/*
 * Rights to request when opening a directory: the set wasi-testsuite's
 * path_open_preopen expects every preopen to have (base), plus
 * PATH_FILESTAT_SET_SIZE (needed for O_TRUNC), and for inheriting that plus
 * the file rights. Asking for FD_READ|FD_WRITE as *base* rights of a
 * directory fails with isdir on wasmtime, so they are only inherited.
 */
#define DIR_BASE                                                               \
    (__WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE |    \
     __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET |         \
     __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR |                      \
     __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE |          \
     __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_PATH_SYMLINK |           \
     __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE |    \
     __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | \
     __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_GET |    \
     __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)
#define DIR_INHERITING (DIR_BASE | RW_RIGHTS)

/* Open directory `path` under `dir` with DIR_BASE / DIR_INHERITING. */
#define OPEN_DIR(dir, path)                                                    \
    ({                                                                         \
        __wasi_fd_t fd_ = (__wasi_fd_t)-1;                                     \
        unsigned e_ = __wasi_path_open((dir), 0, (path),                       \
                                       __WASI_OFLAGS_DIRECTORY, DIR_BASE,      \
                                       DIR_INHERITING, 0, &fd_);               \
        if (e_ != 0) {                                                         \
            FAIL("path_open(%s, O_DIRECTORY) (got %s(%u) want success)",       \
                 (path), errno_name(e_), e_);                                  \
            fd_ = (__wasi_fd_t)-1;                                             \
        }                                                                      \
        fd_;                                                                   \
    })

/* Open `path` under `dir`; on failure report it and return (fd_t)-1. */
#define OPEN(dir, path, oflags, rights, fdflags)                               \
    ({                                                                         \
        __wasi_fd_t fd_ = (__wasi_fd_t)-1;                                     \
        unsigned e_ = __wasi_path_open((dir), 0, (path), (oflags), (rights),   \
                                       (rights), (fdflags), &fd_);             \
        if (e_ != 0) {                                                         \
            FAIL("path_open(%s) (got %s(%u) want success)", (path),            \
                 errno_name(e_), e_);                                          \
            fd_ = (__wasi_fd_t)-1;                                             \
        }                                                                      \
        fd_;                                                                   \
    })

/* Raw write/read of a whole buffer through a single iovec. */
static __wasi_errno_t write_buf(__wasi_fd_t fd, const void *buf, size_t len,
                                size_t *n) {
    __wasi_ciovec_t iov = {.buf = (const uint8_t *)buf, .buf_len = len};
    return __wasi_fd_write(fd, &iov, 1, n);
}
static __wasi_errno_t read_buf(__wasi_fd_t fd, void *buf, size_t len,
                               size_t *n) {
    __wasi_iovec_t iov = {.buf = (uint8_t *)buf, .buf_len = len};
    return __wasi_fd_read(fd, &iov, 1, n);
}

/*
 * Gather-write all of `iov[0..cnt)`, tolerating short writes (a runtime may
 * write only a prefix per call, e.g. wasmtime writes the first non-empty
 * iovec only). Every call must make progress. Returns the first errno or 0;
 * *total gets the bytes written.
 */
static __wasi_errno_t writev_full(__wasi_fd_t fd, const __wasi_ciovec_t *iov,
                                  size_t cnt, size_t *total) {
    __wasi_ciovec_t v[32];
    size_t want = 0;
    if (cnt > 32) return __WASI_ERRNO_2BIG;
    for (size_t i = 0; i < cnt; i++) { v[i] = iov[i]; want += iov[i].buf_len; }
    size_t first = 0;
    *total = 0;
    while (*total < want) {
        size_t n = 0;
        __wasi_errno_t e = __wasi_fd_write(fd, v + first, cnt - first, &n);
        if (e) return e;
        if (n == 0 || n > want - *total) return __WASI_ERRNO_IO;
        *total += n;
        while (n > 0) {
            size_t take = n < v[first].buf_len ? n : v[first].buf_len;
            v[first].buf += take;
            v[first].buf_len -= take;
            n -= take;
            if (v[first].buf_len == 0) first++;
        }
        while (first < cnt && v[first].buf_len == 0) first++;
    }
    return 0;
}

/* Scatter-read until the iovecs are full or EOF, tolerating short reads. */
static __wasi_errno_t readv_full(__wasi_fd_t fd, const __wasi_iovec_t *iov,
                                 size_t cnt, size_t *total) {
    __wasi_iovec_t v[32];
    size_t want = 0;
    if (cnt > 32) return __WASI_ERRNO_2BIG;
    for (size_t i = 0; i < cnt; i++) { v[i] = iov[i]; want += iov[i].buf_len; }
    size_t first = 0;
    *total = 0;
    while (first < cnt && v[first].buf_len == 0) first++;
    while (*total < want) {
        size_t n = 0;
        __wasi_errno_t e = __wasi_fd_read(fd, v + first, cnt - first, &n);
        if (e) return e;
        if (n == 0) break; /* EOF */
        if (n > want - *total) return __WASI_ERRNO_IO;
        *total += n;
        while (n > 0) {
            size_t take = n < v[first].buf_len ? n : v[first].buf_len;
            v[first].buf += take;
            v[first].buf_len -= take;
            n -= take;
            if (v[first].buf_len == 0) first++;
        }
        while (first < cnt && v[first].buf_len == 0) first++;
    }
    return 0;
}

/* Whole-buffer versions (what most checks want). */
static __wasi_errno_t write_all(__wasi_fd_t fd, const void *buf, size_t len,
                                size_t *n) {
    __wasi_ciovec_t iov = {.buf = (const uint8_t *)buf, .buf_len = len};
    return writev_full(fd, &iov, 1, n);
}
static __wasi_errno_t read_full(__wasi_fd_t fd, void *buf, size_t len,
                                size_t *n) {
    __wasi_iovec_t iov = {.buf = (uint8_t *)buf, .buf_len = len};
    return readv_full(fd, &iov, 1, n);
}

/* Create (or truncate) `path` under `dir` with `content`; reports failures. */
#define MAKE_FILE(dir, path, content)                                          \
    do {                                                                       \
        __wasi_fd_t mf_ = OPEN((dir), (path),                                  \
                               __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,      \
                               RW_RIGHTS, 0);                                  \
        if (mf_ != (__wasi_fd_t)-1) {                                          \
            size_t n_ = 0;                                                     \
            const char *c_ = (content);                                        \
            CHECK_OK(write_all(mf_, c_, strlen(c_), &n_));                     \
            CHECK_EQ(n_, strlen(c_));                                          \
            CHECK_OK(__wasi_fd_close(mf_));                                    \
        }                                                                      \
    } while (0)

/* Stat `path` (no symlink following); returns filetype or 255 on error. */
static unsigned path_type(__wasi_fd_t dir, const char *path) {
    __wasi_filestat_t st;
    if (__wasi_path_filestat_get(dir, 0, path, &st) != 0) return 255;
    return st.filetype;
}

/* Read the whole of `path` into buf (NUL-terminated); returns length or -1. */
static long slurp(__wasi_fd_t dir, const char *path, char *buf, size_t cap) {
    __wasi_fd_t fd;
    if (__wasi_path_open(dir, 0, path, 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &fd))
        return -1;
    size_t total = 0;
    __wasi_errno_t e = read_full(fd, buf, cap - 1, &total);
    (void)__wasi_fd_close(fd);
    if (e) return -1;
    buf[total] = 0;
    return (long)total;
}

#endif
