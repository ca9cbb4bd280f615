/*
 * names: malformed and oversized paths, symlink loops, and escaping
 * symlinks the guest creates itself, against the /box host preopen.
 *
 * Expectations (kinds, mapped to errnos by the test):
 *   nul         inval (28): a NUL byte anywhere in a path (or symlink target)
 *               is refused before any lookup (the resolver's checkPath).
 *   ilseq       ilseq (25): a path that is not UTF-8 (witx `string`),
 *               including an overlong-encoded "..", ("\xc0\xae\xc0\xae").
 *   toolong     nametoolong (37): a component > 255 bytes, a path of 4096 bytes or more
 *               bytes (4 KiB+ names, 64 KiB paths), even when it would
 *               also escape: the length check comes first.
 *   noent       noent (44): the empty path; look-alikes of ".." that are
 *               ordinary names ("%2e%2e", "..\\", fullwidth dots, ". .").
 *   escape      perm (63) / notcapable (76): paths of only slashes; a
 *               4 KiB path that is within the limit and climbs out; uses
 *               of escaping symlinks the guest created.
 *   loop        loop (32): a -> a, a -> b -> a, a 41-link chain, a link
 *               that loops through itself as a directory; also planted ones.
 *   symlink-ok  0, perm or notcapable: creating a symlink with an escaping
 *               target may be refused or allowed (it is only text); using
 *               it must then fail (kind escape).
 *   exist       exist (20): a symlink named "." (the name exists).
 *   inside      INSIDE: controls that must work (a 40-link chain, a 255-byte
 *               name), so a runtime that refuses everything cannot pass.
 */
#include "attempt.h"

static __wasi_fd_t BOX;

/* Every path_* call on (p, len), all expected to fail with `kind`. */
static void all_ops(const char *kind, const char *p, size_t len) {
    __wasi_filestat_t st;
    uint8_t buf[64];
    uint32_t used;
    try_open(kind, "open", BOX, p, len, FOLLOW, 0, READ_RIGHTS);
    try_open(kind, "creat", BOX, p, len, FOLLOW, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    try_open(kind, "open-dir", BOX, p, len, 0, __WASI_OFLAGS_DIRECTORY, DIR_BASE);
    ATTEMPT(kind, "stat", p, len, raw_path_filestat_get(BOX, FOLLOW, p, len, &st));
    ATTEMPT(kind, "utimes", p, len, raw_path_filestat_set_times(BOX, FOLLOW, p, len, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    ATTEMPT(kind, "mkdir", p, len, raw_path_create_directory(BOX, p, len));
    ATTEMPT(kind, "rmdir", p, len, raw_path_remove_directory(BOX, p, len));
    ATTEMPT(kind, "unlink", p, len, raw_path_unlink_file(BOX, p, len));
    ATTEMPT(kind, "readlink", p, len, raw_path_readlink(BOX, p, len, buf, sizeof buf, &used));
    ATTEMPT(kind, "symlink-at", p, len, raw_path_symlink("inside.txt", 10, BOX, p, len));
    ATTEMPT(kind, "link-from", p, len, raw_path_link(BOX, 0, p, len, BOX, "linked", 6));
    ATTEMPT(kind, "link-to", p, len, raw_path_link(BOX, 0, "victim-in.txt", 13, BOX, p, len));
    ATTEMPT(kind, "rename-from", p, len, raw_path_rename(BOX, p, len, BOX, "renamed", 7));
    ATTEMPT(kind, "rename-to", p, len, raw_path_rename(BOX, "victim-in.txt", 13, BOX, p, len));
}

#define LIT(s) s, sizeof(s) - 1 /* a literal with its exact length, NULs included */

/* Follows `p` and expects `kind`: the calls that follow a final symlink. */
static void follow_ops(const char *kind, const char *p) {
    size_t len = strlen(p);
    __wasi_filestat_t st;
    try_open(kind, "open", BOX, p, len, FOLLOW, 0, READ_RIGHTS);
    try_open(kind, "open-dir", BOX, p, len, FOLLOW, __WASI_OFLAGS_DIRECTORY, DIR_BASE);
    try_open(kind, "creat", BOX, p, len, FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS);
    ATTEMPT(kind, "stat-follow", p, len, raw_path_filestat_get(BOX, FOLLOW, p, len, &st));
    ATTEMPT(kind, "utimes-follow", p, len, raw_path_filestat_set_times(BOX, FOLLOW, p, len, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    ATTEMPT(kind, "link-from-follow", p, len, raw_path_link(BOX, FOLLOW, p, len, BOX, "linked", 6));
}

/* The loop cases also go through the link as a directory ("<link>/x"). */
static void loop_ops(const char *p) {
    char sub[128];
    follow_ops("loop", p);
    snprintf(sub, sizeof sub, "%s/x", p);
    all_ops("loop", sub, strlen(sub));
    try_open("loop", "open-nofollow", BOX, p, strlen(p), 0, 0, READ_RIGHTS);
}

/* A control: reading `p` must give the box's inside.txt ("inside\n"). */
static void expect_inside(const char *op, const char *p) {
    char buf[64];
    begin_attempt("inside", op, p, strlen(p));
    uint32_t fd;
    size_t n = 0;
    unsigned e = (unsigned)raw_path_open(BOX, FOLLOW, p, strlen(p), 0, READ_RIGHTS, 0, 0, &fd);
    if (e != 0) {
        put_errno(e);
        return;
    }
    e = read_full(fd, buf, sizeof buf, &n);
    (void)__wasi_fd_close(fd);
    if (e == 0 && n == 7 && memcmp(buf, "inside\n", 7) == 0) puts("INSIDE");
    else {
        puts("OUTSIDE");
        fputs("  read: ", stdout);
        put_escaped(buf, (size_t)n);
        putchar('\n');
    }
}

/* The guest creates `name` -> `target` (may be refused) and then uses it. */
static void guest_symlink(const char *target, const char *name, const char *through) {
    ATTEMPT("symlink-ok", "symlink-create", name, strlen(name),
            raw_path_symlink(target, strlen(target), BOX, name, strlen(name)));
    follow_ops("escape", name);
    all_ops("escape", through, strlen(through));
}

static char big[70000];

int main(int argc, char **argv) {
    setup(argc, argv);
    BOX = find_preopen("/box");
    char hp[512];

    /* NUL bytes (raw calls with explicit lengths) */
    all_ops("nul", LIT("inside.txt\0"));
    all_ops("nul", LIT("\0"));
    all_ops("nul", LIT("..\0"));
    all_ops("nul", LIT("\0../canary.txt"));
    all_ops("nul", LIT("sub\0/../../canary.txt"));
    all_ops("nul", LIT("../canary.txt\0inside.txt"));
    all_ops("nul", LIT("inside.txt\0/../../canary.txt"));
    ATTEMPT("nul", "symlink-target", "nul-link", 8, raw_path_symlink(LIT("inside.txt\0../canary.txt"), BOX, "nul-link", 8));
    ATTEMPT("nul", "symlink-target", "nul-link2", 9, raw_path_symlink(LIT("..\0"), BOX, "nul-link2", 9));

    /* invalid UTF-8 */
    all_ops("ilseq", LIT("\xff"));
    all_ops("ilseq", LIT("..\xff/../canary.txt"));
    all_ops("ilseq", LIT("\xc0\xae\xc0\xae/canary.txt"));   /* overlong ".." */
    all_ops("ilseq", LIT("\xc0\xae\xc0\xae"));
    all_ops("ilseq", LIT("\xe0\x80\xae\xe0\x80\xae/canary.txt")); /* 3-byte overlong ".." */
    all_ops("ilseq", LIT("\xc0\xaf..\xc0\xaf" "canary.txt"));     /* overlong "/" */
    all_ops("ilseq", LIT("\xed\xa0\x80"));                        /* a surrogate */
    all_ops("ilseq", LIT("sub/\x80"));
    ATTEMPT("ilseq", "symlink-target", "bad-link", 8, raw_path_symlink(LIT("\xc0\xae\xc0\xae"), BOX, "bad-link", 8));

    /* look-alikes of ".." that are plain names (as a directory component,
     * missing, so every call is noent; as a last component they would just be
     * names inside the box) */
    all_ops("noent", LIT("%2e%2e/canary.txt"));
    all_ops("noent", LIT("..\\/canary.txt"));
    all_ops("noent", LIT(".\\./canary.txt"));
    all_ops("noent", LIT("\xef\xbc\x8e\xef\xbc\x8e/canary.txt")); /* fullwidth dots */
    all_ops("noent", LIT("... /canary.txt"));
    all_ops("noent", LIT(". ./canary.txt"));
    all_ops("noent", LIT("..../canary.txt"));
    all_ops("noent", LIT("%2e%2e%2fcanary.txt/x"));

    /* empty path */
    all_ops("noent", "", 0);

    /* only slashes */
    all_ops("escape", LIT("/"));
    all_ops("escape", LIT("//"));
    all_ops("escape", LIT("///////////////"));
    memset(big, '/', 4095);
    all_ops("escape", big, 4095);                /* the longest path: PATH_MAX counts the NUL */
    memset(big, '/', 4096);
    all_ops("toolong", big, 4096);

    /* long names and paths */
    memset(big, 'a', 256);
    all_ops("toolong", big, 256);                /* one byte over a component */
    memset(big, 'n', 4097);
    all_ops("toolong", big, 4097);               /* a 4 KiB+ name */
    memset(big, 'n', 5000);
    all_ops("toolong", big, 5000);
    for (size_t i = 0; i + 2 <= 65536; i += 2) memcpy(big + i, "a/", 2);
    all_ops("toolong", big, 65536);              /* a 64 KiB path */
    for (size_t i = 0; i + 3 <= 65535; i += 3) memcpy(big + i, "../", 3);
    all_ops("toolong", big, 65535);              /* a 64 KiB path that climbs */
    for (size_t i = 0; i + 2 <= 4098; i += 2) memcpy(big + i, "./", 2);
    memcpy(big + 4086, "../canary.txt", 13);
    all_ops("toolong", big, 4099);               /* "./"... then "../canary.txt": 4099 bytes */
    for (size_t i = 0; i + 2 <= 4080; i += 2) memcpy(big + i, "./", 2);
    memcpy(big + 4080, "../canary.txt", 13);
    all_ops("escape", big, 4093);                /* the same within the limit: an escape */
    /* many ".." segments inside a 4 KiB path that come back down: fine,
     * then one too many: escape */
    {
        size_t n = 0;
        for (int i = 0; i < 500; i++) { memcpy(big + n, "sub/../", 7); n += 7; }
        memcpy(big + n, "../canary.txt", 13);
        all_ops("escape", big, n + 13);
    }
    /* a 255-byte name is allowed (control): create, read back, remove */
    memset(hp, 'm', 255);
    hp[255] = 0;
    begin_attempt("inside", "creat-255", hp, 255);
    {
        uint32_t fd;
        unsigned e = (unsigned)raw_path_open(BOX, 0, hp, 255, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, 0, &fd);
        if (e == 0) {
            (void)__wasi_fd_close(fd);
            e = (unsigned)raw_path_unlink_file(BOX, hp, 255);
        }
        if (e == 0) puts("INSIDE");
        else put_errno(e);
    }

    /* planted loops (self -> self, la -> lb -> la, c0 -> ... -> c40 -> inside.txt,
     * dl -> dl/x) */
    loop_ops("self");
    loop_ops("la");
    loop_ops("lb");
    loop_ops("c0");
    loop_ops("dl");
    expect_inside("read-40-hops", "c1");
    expect_inside("read-1-hop", "c40");

    /* loops the guest builds itself */
    ATTEMPT("symlink-ok", "symlink-create", "gself", 5, raw_path_symlink(LIT("gself"), BOX, LIT("gself")));
    ATTEMPT("symlink-ok", "symlink-create", "ga", 2, raw_path_symlink(LIT("gb"), BOX, LIT("ga")));
    ATTEMPT("symlink-ok", "symlink-create", "gb", 2, raw_path_symlink(LIT("ga"), BOX, LIT("gb")));
    ATTEMPT("symlink-ok", "symlink-create", "gdir", 4, raw_path_symlink(LIT("gdir/."), BOX, LIT("gdir")));
    ATTEMPT("symlink-ok", "symlink-create", "gup-loop", 8, raw_path_symlink(LIT("sub/../gup-loop"), BOX, LIT("gup-loop")));
    for (int i = 0; i <= 40; i++) {
        char name[16], target[16];
        snprintf(name, sizeof name, "g%d", i);
        if (i < 40) snprintf(target, sizeof target, "g%d", i + 1);
        else snprintf(target, sizeof target, "inside.txt");
        (void)raw_path_symlink(target, strlen(target), BOX, name, strlen(name));
    }
    loop_ops("gself");
    loop_ops("ga");
    loop_ops("gdir");
    loop_ops("gup-loop");
    loop_ops("g0"); /* 41 links */
    expect_inside("read-40-hops", "g1");
    /* a loop made of escaping hops: each step leaves and comes back */
    ATTEMPT("symlink-ok", "symlink-create", "gesc-loop", 9, raw_path_symlink(LIT("../box/gesc-loop"), BOX, LIT("gesc-loop")));
    follow_ops("escape", "gesc-loop");

    /* escaping symlinks the guest creates: relative, absolute, the canary's
     * absolute host path, the box's own absolute host path */
    guest_symlink("..", "gup", "gup/canary.txt");
    guest_symlink("../canary.txt", "gupfile", "gupfile/.");
    guest_symlink("../../canary-above.txt", "gup2", "gup2/.");
    guest_symlink("sub/../..", "gup3", "gup3/outside/secret.txt");
    guest_symlink("/", "groot", "groot/etc/passwd");
    guest_symlink("//", "groot2", "groot2/etc/passwd");
    guest_symlink("/box", "gabsbox", "gabsbox/inside.txt");
    guest_symlink(host_path(hp, sizeof hp, "/w/canary.txt"), "gabs", "gabs/.");
    guest_symlink(host_path(hp, sizeof hp, "/w/outside"), "gabsdir", "gabsdir/secret.txt");
    guest_symlink(host_path(hp, sizeof hp, "/w/box"), "gabsself", "gabsself/inside.txt");
    /* a link inside a sub-directory, and a chain the guest builds hop by hop */
    guest_symlink("../../..", "sub/gup4", "sub/gup4/x");
    ATTEMPT("symlink-ok", "symlink-create", "sub/deep/gh1", 12, raw_path_symlink(LIT("../gh2"), BOX, LIT("sub/deep/gh1")));
    ATTEMPT("symlink-ok", "symlink-create", "sub/gh2", 7, raw_path_symlink(LIT("../gh3"), BOX, LIT("sub/gh2")));
    guest_symlink("../canary.txt", "gh3", "sub/deep/gh1/.");
    follow_ops("escape", "sub/deep/gh1");
    /* "." and ".." as the link name are refused, never resolved */
    ATTEMPT("exist", "symlink-create", ".", 1, raw_path_symlink(LIT("inside.txt"), BOX, LIT(".")));
    ATTEMPT("escape", "symlink-create", "..", 2, raw_path_symlink(LIT("inside.txt"), BOX, LIT("..")));
    ATTEMPT("escape", "symlink-create", "sub/../..", 9, raw_path_symlink(LIT("inside.txt"), BOX, LIT("sub/../..")));
    return finish("names");
}
