/*
 * toctou: what the guest alone can do against time-of-check/time-of-use:
 * hold directory fds, then rename directories around (and plant symlinks
 * where they were) and keep using the held fds. A runtime that remembers a
 * directory by its host path (rather than by what it is) follows the new
 * symlink out of the box; the held fd must keep meaning the directory it was
 * opened on (or fail), never the outside one.
 *
 * The outside has $T/w/outside/secret.txt, $T/w/canary.txt; each scenario
 * makes the held directory's host path, after the swap, name one of those
 * outside directories.
 *
 * Expectations (kind "toctou"): every result is INSIDE (the call acted on
 * the directory the fd was opened on, checked through the box) or an errno
 * among noent (44), loop (32), notdir (54), perm (63), notcapable (76): a
 * held fd whose directory moved may become unusable. Never OPENED, OUTSIDE
 * or errno 0 on a name that exists only outside, nor OTHER (the call
 * succeeded on some other object than the held directory: fd_filestat_get
 * and fd_filestat_set_times on the fd must be about the directory itself).
 * The "ok" kind (errno 0) marks the guest's own setup steps.
 */
#include "attempt.h"

static __wasi_fd_t BOX;

static __wasi_fd_t dir_fd(__wasi_fd_t dir, const char *p) {
    uint32_t fd = 0;
    unsigned e = (unsigned)raw_path_open(dir, 0, p, strlen(p), __WASI_OFLAGS_DIRECTORY,
                                         DIR_BASE | __WASI_RIGHTS_FD_READDIR, DIR_INHERITING, 0, &fd);
    if (e != 0) {
        printf("setup: open dir %s failed with %u\n", p, e);
        exit(4);
    }
    return fd;
}

#define SETUP(op, p, call) ATTEMPT("ok", op, p, strlen(p), call)

static void make_file(__wasi_fd_t dir, const char *p, const char *content) {
    uint32_t fd;
    size_t n;
    unsigned e = (unsigned)raw_path_open(dir, 0, p, strlen(p), __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS, 0, 0, &fd);
    if (e == 0) {
        e = write_all(fd, content, strlen(content), &n);
        (void)__wasi_fd_close(fd);
    }
    if (e != 0) {
        printf("setup: create %s failed with %u\n", p, e);
        exit(4);
    }
}

static int exists(const char *boxpath) {
    __wasi_filestat_t st;
    return raw_path_filestat_get(BOX, 0, boxpath, strlen(boxpath), &st) == 0;
}

static void inside_or_outside(int inside) { puts(inside ? "INSIDE" : "OUTSIDE"); }

/*
 * Uses the held directory fd `d`, whose directory is now at `moved` in the
 * box; `secret` is a name that exists only in the outside directory the old
 * host path now leads to.
 */
static void use_held(const char *tag, __wasi_fd_t d, const char *moved, const char *secret) {
    char op[64], p[256];
    char buf[128];
    __wasi_filestat_t st, mst;
    uint32_t fd;
    size_t n;
    unsigned e;
#define OP(name) (snprintf(op, sizeof op, "%s-%s", tag, name), op)
#define BOXP(rest) (snprintf(p, sizeof p, "%s/%s", moved, rest), p)

    /* a name that exists only outside */
    try_open("toctou", OP("open-secret"), d, secret, strlen(secret), 0, 0, READ_RIGHTS);
    ATTEMPT("toctou", OP("stat-secret"), secret, strlen(secret), raw_path_filestat_get(d, 0, secret, strlen(secret), &st));
    ATTEMPT("toctou", OP("utimes-secret"), secret, strlen(secret),
            raw_path_filestat_set_times(d, 0, secret, strlen(secret), 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    ATTEMPT("toctou", OP("unlink-secret"), secret, strlen(secret), raw_path_unlink_file(d, secret, strlen(secret)));
    ATTEMPT("toctou", OP("rename-secret-in"), secret, strlen(secret), raw_path_rename(d, secret, strlen(secret), BOX, "stolen", 6));
    ATTEMPT("toctou", OP("link-secret-in"), secret, strlen(secret), raw_path_link(d, 0, secret, strlen(secret), BOX, "stolen-link", 11));

    /* the marker that exists only in the real (moved) directory */
    begin_attempt("toctou", OP("read-marker"), "marker.txt", 10);
    e = (unsigned)raw_path_open(d, 0, "marker.txt", 10, 0, READ_RIGHTS, 0, 0, &fd);
    if (e != 0) put_errno(e);
    else {
        n = 0;
        e = read_full(fd, buf, sizeof buf, &n);
        (void)__wasi_fd_close(fd);
        inside_or_outside(e == 0 && n == 7 && memcmp(buf, "marker\n", 7) == 0);
    }

    /* the listing */
    begin_attempt("toctou", OP("readdir"), ".", 1);
    {
        static uint8_t lbuf[2048];
        __wasi_size_t used = 0;
        e = __wasi_fd_readdir(d, lbuf, sizeof lbuf, 0, &used);
        if (e != 0) put_errno(e);
        else {
            int marker = 0, other = 0;
            size_t off = 0;
            while (off + sizeof(__wasi_dirent_t) <= used) {
                __wasi_dirent_t de;
                memcpy(&de, lbuf + off, sizeof de);
                off += sizeof de;
                size_t len = de.d_namlen;
                if (off + len > used) len = used - off;
                const char *nm = (const char *)lbuf + off;
                if (len == 10 && memcmp(nm, "marker.txt", 10) == 0) marker = 1;
                else if (!(len == 1 && nm[0] == '.') && !(len == 2 && nm[0] == '.' && nm[1] == '.') &&
                         !(len >= 4 && memcmp(nm, "made", 4) == 0))
                    other = 1;
                off += de.d_namlen;
            }
            inside_or_outside(marker && !other);
            if (!marker || other) dump_fd(d);
        }
    }

    /* the fd's own identity */
    begin_attempt("toctou", OP("fstat"), ".", 1);
    e = __wasi_fd_filestat_get(d, &st);
    if (e != 0) put_errno(e);
    else puts(raw_path_filestat_get(BOX, 0, moved, strlen(moved), &mst) == 0 && mst.ino == st.ino && mst.dev == st.dev ? "INSIDE" : "OTHER");

    /* changes through the fd must land in the moved directory */
    begin_attempt("toctou", OP("set-times"), ".", 1);
    e = __wasi_fd_filestat_set_times(d, 1000000000000000000ull, 1000000000000000000ull,
                                     __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    if (e != 0) put_errno(e);
    else puts(raw_path_filestat_get(BOX, 0, moved, strlen(moved), &mst) == 0 &&
              mst.mtim == 1000000000000000000ull ? "INSIDE" : "OTHER");

    begin_attempt("toctou", OP("creat"), "made.txt", 8);
    e = (unsigned)raw_path_open(d, 0, "made.txt", 8, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, 0, &fd);
    if (e != 0) put_errno(e);
    else {
        (void)__wasi_fd_close(fd);
        inside_or_outside(exists(BOXP("made.txt")));
    }
    begin_attempt("toctou", OP("mkdir"), "made-dir", 8);
    e = (unsigned)raw_path_create_directory(d, "made-dir", 8);
    if (e != 0) put_errno(e);
    else inside_or_outside(exists(BOXP("made-dir")));
    begin_attempt("toctou", OP("symlink"), "made-link", 9);
    e = (unsigned)raw_path_symlink("marker.txt", 10, d, "made-link", 9);
    if (e != 0) put_errno(e);
    else inside_or_outside(exists(BOXP("made-link")));
    /* and going up from it is still refused */
    try_open("toctou", OP("open-dotdot"), d, "..", 2, 0, __WASI_OFLAGS_DIRECTORY, DIR_BASE);
    try_open("toctou", OP("open-dotdot-canary"), d, "../canary.txt", 13, FOLLOW, 0, READ_RIGHTS);
#undef OP
#undef BOXP
}

/* Lists a held directory fd: INSIDE when the listing holds marker.txt,
 * OUTSIDE otherwise (the names it got are printed: they are the guest's
 * own probe names, so whatever shows is what exists out there). */
static void list_held(const char *op, __wasi_fd_t d) {
    static uint8_t lbuf[2048];
    __wasi_size_t used = 0;
    begin_attempt("toctou", op, ".", 1);
    unsigned e = __wasi_fd_readdir(d, lbuf, sizeof lbuf, 0, &used);
    if (e != 0) {
        put_errno(e);
        return;
    }
    int marker = 0;
    size_t off = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
        __wasi_dirent_t de;
        memcpy(&de, lbuf + off, sizeof de);
        off += sizeof de;
        if (de.d_namlen == 10 && off + 10 <= used && memcmp(lbuf + off, "marker.txt", 10) == 0) marker = 1;
        off += de.d_namlen;
    }
    puts(marker ? "INSIDE" : "OUTSIDE");
    if (!marker) dump_fd(d);
}

/* Creates <top>/<held> (with a marker), holds an fd on it, renames <top>
 * to <top>-moved and plants a symlink <top> -> <target>. */
static __wasi_fd_t swap_scenario(const char *top, const char *held, const char *target, char *moved, size_t cap) {
    char p[256], q[256];
    SETUP("mkdir", top, raw_path_create_directory(BOX, top, strlen(top)));
    snprintf(p, sizeof p, "%s/%s", top, held);
    SETUP("mkdir", p, raw_path_create_directory(BOX, p, strlen(p)));
    snprintf(q, sizeof q, "%s/marker.txt", p);
    make_file(BOX, q, "marker\n");
    __wasi_fd_t d = dir_fd(BOX, p);
    snprintf(q, sizeof q, "%s-moved", top);
    SETUP("rename", top, raw_path_rename(BOX, top, strlen(top), BOX, q, strlen(q)));
    SETUP("symlink", top, raw_path_symlink(target, strlen(target), BOX, top, strlen(top)));
    snprintf(moved, cap, "%s-moved/%s", top, held);
    return d;
}

int main(int argc, char **argv) {
    setup(argc, argv);
    BOX = find_preopen("/box");
    char moved[256], hp[512];

    /* S1: held "s1/outside"; s1 -> ".." makes its old path $T/w/outside */
    __wasi_fd_t d1 = swap_scenario("s1", "outside", "..", moved, sizeof moved);
    use_held("s1", d1, moved, "secret.txt");

    /* S2: held "s2/w"; s2 -> "../.." makes its old path $T/w (the box's parent) */
    __wasi_fd_t d2 = swap_scenario("s2", "w", "../..", moved, sizeof moved);
    use_held("s2", d2, moved, "canary.txt");

    /* S3: the same through an absolute host path: s3 -> $T/w */
    __wasi_fd_t d3 = swap_scenario("s3", "outside", host_path(hp, sizeof hp, "/w"), moved, sizeof moved);
    use_held("s3", d3, moved, "secret.txt");

    /* S4: the held directory itself is replaced: s4/x moved away, s4/x -> ../../outside */
    SETUP("mkdir", "s4", raw_path_create_directory(BOX, "s4", 2));
    SETUP("mkdir", "s4/x", raw_path_create_directory(BOX, "s4/x", 4));
    make_file(BOX, "s4/x/marker.txt", "marker\n");
    __wasi_fd_t d4 = dir_fd(BOX, "s4/x");
    SETUP("rename", "s4/x", raw_path_rename(BOX, "s4/x", 4, BOX, "s4/x-moved", 10));
    SETUP("symlink", "s4/x", raw_path_symlink("../../outside", 13, BOX, "s4/x", 4));
    use_held("s4", d4, "s4/x-moved", "secret.txt");

    /* S8: the held directory replaced by a symlink out, listed: a listing
     * must never read the symlink's target. The real directory holds the
     * names to probe for; a runtime that lists the target and keeps only
     * the names that also exist in the real directory answers "which of
     * these names exist out there" (here: in $T/w/outside, and in /etc). */
    SETUP("mkdir", "s8", raw_path_create_directory(BOX, "s8", 2));
    SETUP("mkdir", "s8/x", raw_path_create_directory(BOX, "s8/x", 4));
    SETUP("mkdir", "s8/y", raw_path_create_directory(BOX, "s8/y", 4));
    make_file(BOX, "s8/x/marker.txt", "marker\n");
    make_file(BOX, "s8/x/secret.txt", "probe\n");
    make_file(BOX, "s8/x/probe-absent.txt", "probe\n");
    make_file(BOX, "s8/y/marker.txt", "marker\n");
    make_file(BOX, "s8/y/passwd", "probe\n");
    make_file(BOX, "s8/y/warden-absent", "probe\n");
    __wasi_fd_t d8x = dir_fd(BOX, "s8/x");
    __wasi_fd_t d8y = dir_fd(BOX, "s8/y");
    SETUP("rename", "s8/x", raw_path_rename(BOX, "s8/x", 4, BOX, "s8/x-moved", 10));
    SETUP("rename", "s8/y", raw_path_rename(BOX, "s8/y", 4, BOX, "s8/y-moved", 10));
    SETUP("symlink", "s8/x", raw_path_symlink("../../outside", 13, BOX, "s8/x", 4));
    SETUP("symlink", "s8/y", raw_path_symlink("/etc", 4, BOX, "s8/y", 4));
    list_held("s8-readdir-relative-link", d8x);
    list_held("s8-readdir-absolute-link", d8y);

    /* S5: a held directory removed, then a symlink out at its name */
    SETUP("mkdir", "s5", raw_path_create_directory(BOX, "s5", 2));
    __wasi_fd_t d5 = dir_fd(BOX, "s5");
    SETUP("rmdir", "s5", raw_path_remove_directory(BOX, "s5", 2));
    SETUP("symlink", "s5", raw_path_symlink("../outside", 10, BOX, "s5", 2));
    try_open("toctou", "s5-open-secret", d5, "secret.txt", 10, 0, 0, READ_RIGHTS);
    try_open("toctou", "s5-creat", d5, "made.txt", 8, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    ATTEMPT("toctou", "s5-mkdir", "made-dir", 8, raw_path_create_directory(d5, "made-dir", 8));
    begin_attempt("toctou", "s5-readdir", ".", 1);
    {
        uint8_t lbuf[512];
        __wasi_size_t used = 0;
        unsigned e = __wasi_fd_readdir(d5, lbuf, sizeof lbuf, 0, &used);
        /* a removed directory lists nothing but "." and ".." */
        if (e != 0) put_errno(e);
        else inside_or_outside(used <= 2 * (sizeof(__wasi_dirent_t) + 2));
    }

    /* S6: the same as S1 after more than 64 other directories were used (a
     * runtime caching directory handles must still not re-reach the held
     * directory through its old, now escaping, path) */
    __wasi_fd_t d6 = swap_scenario("s6", "outside", "..", moved, sizeof moved);
    SETUP("mkdir", "many", raw_path_create_directory(BOX, "many", 4));
    for (int i = 0; i < 100; i++) {
        char p[32];
        __wasi_filestat_t st;
        snprintf(p, sizeof p, "many/d%d", i);
        (void)raw_path_create_directory(BOX, p, strlen(p));
        snprintf(p, sizeof p, "many/d%d/x", i);
        (void)raw_path_filestat_get(BOX, 0, p, strlen(p), &st);
    }
    use_held("s6", d6, moved, "secret.txt");

    /* S7: swap back and forth 50 times, using the held fd in both states */
    __wasi_fd_t d7 = swap_scenario("s7", "outside", "..", moved, sizeof moved);
    unsigned inside = 0, refused = 0, escaped = 0;
    for (int i = 0; i < 50; i++) {
        char buf[64];
        size_t n = 0;
        uint32_t fd;
        /* state A: s7 -> "..", the real one at s7-moved */
        unsigned e = (unsigned)raw_path_open(d7, 0, "secret.txt", 10, 0, READ_RIGHTS, 0, 0, &fd);
        if (e == 0) {
            escaped++;
            dump_fd(fd);
            (void)__wasi_fd_close(fd);
        } else refused++;
        /* state B: the real one back at s7 */
        (void)raw_path_unlink_file(BOX, "s7", 2);
        (void)raw_path_rename(BOX, "s7-moved", 8, BOX, "s7", 2);
        e = (unsigned)raw_path_open(d7, 0, "marker.txt", 10, 0, READ_RIGHTS, 0, 0, &fd);
        if (e == 0) {
            if (read_full(fd, buf, sizeof buf, &n) == 0 && n == 7 && memcmp(buf, "marker\n", 7) == 0) inside++;
            else escaped++;
            (void)__wasi_fd_close(fd);
        }
        e = (unsigned)raw_path_open(d7, 0, "secret.txt", 10, 0, READ_RIGHTS, 0, 0, &fd);
        if (e == 0) {
            escaped++;
            dump_fd(fd);
            (void)__wasi_fd_close(fd);
        }
        /* back to state A */
        (void)raw_path_rename(BOX, "s7", 2, BOX, "s7-moved", 8);
        (void)raw_path_symlink("..", 2, BOX, "s7", 2);
    }
    begin_attempt("toctou", "s7-ping-pong-50", "secret.txt", 10);
    if (escaped) puts("OUTSIDE");
    else puts(inside > 0 ? "INSIDE" : "errno 44");
    printf("  s7: inside %u refused %u escaped %u\n", inside, refused, escaped);
    return finish("toctou");
}
