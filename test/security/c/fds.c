/*
 * fds: reaching the preopen's parent through descriptor numbers rather than
 * paths: guessed fds, directory fds opened on "." and "sub/..", fd_renumber
 * over and onto the preopen, directories renamed while an fd is held on
 * them, hard links and renames from sub-directory fds.
 *
 * Every directory fd is its own root: ".." from it fails even when its
 * parent is still inside the preopen.
 *
 * Expectations (kinds, mapped to errnos by the test):
 *   escape   perm (63) / notcapable (76)
 *   badf     badf (8): a number that is not open
 *   notdir   notdir (54): a path call on a non-directory fd (stdio, a file)
 *   held     perm (63) / notcapable (76) / noent (44): ".." from an fd whose
 *            directory was renamed after it was opened. noent is allowed
 *            because Warden's host backend re-reaches a directory through
 *            its parent by name and refuses it (noent) when the name no
 *            longer leads to the same device:inode.
 *   ok       0: the setup steps (renames, renumbers) of these attempts.
 *   inside   INSIDE: controls ("sub/.." from the box is the box itself; a
 *            file created through a held fd lands where that dir now is).
 */
#include "attempt.h"

static __wasi_fd_t BOX;

static unsigned dir_open(__wasi_fd_t dir, const char *p, __wasi_fd_t *out) {
    uint32_t fd = 0;
    unsigned e = (unsigned)raw_path_open(dir, 0, p, strlen(p), __WASI_OFLAGS_DIRECTORY,
                                         DIR_BASE | __WASI_RIGHTS_FD_READDIR, DIR_INHERITING, 0, &fd);
    *out = fd;
    return e;
}

static __wasi_fd_t must_dir(__wasi_fd_t dir, const char *p) {
    __wasi_fd_t fd;
    unsigned e = dir_open(dir, p, &fd);
    if (e != 0) {
        printf("setup: open dir %s failed with %u\n", p, e);
        exit(4);
    }
    return fd;
}

/* The kind a path call through `fd` must fail with. */
static int held_mode = 0; /* climbs from fds whose directory was moved */
static const char *kind_of_fd(__wasi_fd_t fd) {
    __wasi_fdstat_t fs;
    if (__wasi_fd_fdstat_get(fd, &fs) != 0) return "badf";
    if (fs.fs_filetype != __WASI_FILETYPE_DIRECTORY) return "notdir";
    return held_mode ? "held" : "escape";
}

/* The climbs tried from a directory fd. */
static void climb(const char *tag, __wasi_fd_t fd) {
    const char *kind = kind_of_fd(fd);
    char op[64];
    __wasi_filestat_t st;
    snprintf(op, sizeof op, "%s-open-dir", tag);
    try_open(kind, op, fd, "..", 2, 0, __WASI_OFLAGS_DIRECTORY, DIR_BASE | __WASI_RIGHTS_FD_READDIR);
    snprintf(op, sizeof op, "%s-open", tag);
    try_open(kind, op, fd, "../canary.txt", 13, FOLLOW, 0, READ_RIGHTS);
    try_open(kind, op, fd, "../../canary.txt", 16, FOLLOW, 0, READ_RIGHTS);
    snprintf(op, sizeof op, "%s-stat", tag);
    ATTEMPT(kind, op, "..", 2, raw_path_filestat_get(fd, FOLLOW, "..", 2, &st));
    snprintf(op, sizeof op, "%s-creat", tag);
    try_open(kind, op, fd, "../created-outside.txt", 22, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    snprintf(op, sizeof op, "%s-mkdir", tag);
    ATTEMPT(kind, op, "../made-outside", 15, raw_path_create_directory(fd, "../made-outside", 15));
}

/* The device and inode of a directory fd. */
static int same_dir(__wasi_fd_t a, __wasi_fd_t b) {
    __wasi_filestat_t sa, sb;
    if (__wasi_fd_filestat_get(a, &sa) || __wasi_fd_filestat_get(b, &sb)) return 0;
    return sa.dev == sb.dev && sa.ino == sb.ino;
}

int main(int argc, char **argv) {
    setup(argc, argv);
    BOX = find_preopen("/box");

    /* the preopens a guest can see: only /box */
    for (__wasi_fd_t fd = 0; fd <= 64; fd++) {
        __wasi_prestat_t ps;
        char name[64];
        if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
        size_t n = ps.u.dir.pr_name_len < sizeof name ? ps.u.dir.pr_name_len : sizeof name - 1;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, n) != 0) n = 0;
        name[n] = 0;
        printf("preopen %u %s\n", fd, name);
    }

    /* some fds of every kind to guess among */
    __wasi_fd_t sub = must_dir(BOX, "sub");
    __wasi_fd_t deep = must_dir(BOX, "sub/deep");
    uint32_t file = (uint32_t)-1;
    (void)raw_path_open(BOX, 0, "inside.txt", 10, 0, READ_RIGHTS, 0, 0, &file);

    /* guessing: every number 0..64 */
    for (__wasi_fd_t fd = 0; fd <= 64; fd++) {
        char tag[16];
        snprintf(tag, sizeof tag, "fd%u", fd);
        climb(tag, fd);
    }

    /* "." of the preopen, then ".." from it; "sub/.." is the box itself
     * (allowed) but ".." from that fd is not */
    __wasi_fd_t dot = must_dir(BOX, ".");
    climb("dot", dot);
    __wasi_fd_t dotdot = must_dir(dot, ".");
    climb("dot-dot", dotdot);
    __wasi_fd_t back;
    begin_attempt("inside", "open-dir", "sub/..", 6);
    unsigned e = dir_open(BOX, "sub/..", &back);
    if (e != 0) put_errno(e);
    else puts(same_dir(back, BOX) ? "INSIDE" : "OUTSIDE");
    if (e == 0) climb("sub-dotdot", back);
    /* from the sub fd, "deep/../.." climbs above it: refused */
    ATTEMPT("escape", "sub-open-dir", "deep/../..", 10, dir_open(sub, "deep/../..", &back));
    climb("sub", sub);
    climb("deep", deep);

    /* fd_renumber: a sub-directory over a second handle of the box, the
     * preopen itself over a sub-directory fd, stdio and files over dirs */
    __wasi_fd_t box2 = must_dir(BOX, ".");
    __wasi_fd_t sub2 = must_dir(BOX, "sub");
    ATTEMPT("ok", "renumber-sub-over-box2", "-", 1, __wasi_fd_renumber(sub2, box2));
    climb("renumbered-sub", box2);
    __wasi_fd_t deep2 = must_dir(BOX, "sub/deep");
    ATTEMPT("ok", "renumber-preopen-over-deep", "-", 1, __wasi_fd_renumber(BOX, deep2));
    climb("moved-preopen", deep2);
    climb("old-preopen-number", BOX);
    BOX = deep2;
    __wasi_fd_t d3 = must_dir(BOX, "sub");
    ATTEMPT("ok", "renumber-stdin-over-dir", "-", 1, __wasi_fd_renumber(0, d3));
    climb("stdin-over-dir", d3);
    __wasi_fd_t d4 = must_dir(BOX, "sub");
    if (file != (uint32_t)-1) {
        ATTEMPT("ok", "renumber-file-over-dir", "-", 1, __wasi_fd_renumber(file, d4));
        climb("file-over-dir", d4);
    }
    ATTEMPT("badf", "renumber-onto-unopened", "-", 1, __wasi_fd_renumber(sub, 60));
    climb("after-failed-renumber-60", 60);

    /* a directory renamed (deeper, higher, twice) while an fd is held on it */
    (void)__wasi_path_create_directory(BOX, "w1");
    (void)__wasi_path_create_directory(BOX, "w1/w2");
    (void)__wasi_path_create_directory(BOX, "w1/w2/w3");
    __wasi_fd_t w2 = must_dir(BOX, "w1/w2");
    __wasi_fd_t w3 = must_dir(BOX, "w1/w2/w3");
    climb("held-w2", w2);
    ATTEMPT("ok", "rename-w1-deeper", "w1", 2, raw_path_rename(BOX, "w1", 2, BOX, "sub/w1moved", 11));
    held_mode = 1;
    climb("held-w2-after-rename", w2);
    climb("held-w3-after-rename", w3);
    ATTEMPT("ok", "rename-w2-up", "sub/w1moved/w2", 14, raw_path_rename(BOX, "sub/w1moved/w2", 14, BOX, "w2top", 5));
    climb("held-w2-moved-up", w2);
    climb("held-w3-moved-up", w3);
    held_mode = 0;
    /* the held fds still act inside: a file created through w3 lands in the box */
    begin_attempt("inside", "creat-through-held", "w3/made.txt", 11);
    {
        uint32_t f;
        __wasi_filestat_t st;
        unsigned e2 = (unsigned)raw_path_open(w3, 0, "made.txt", 8, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, 0, &f);
        if (e2 != 0) put_errno(e2);
        else {
            (void)__wasi_fd_close(f);
            puts(raw_path_filestat_get(BOX, 0, "w2top/w3/made.txt", 17, &st) == 0 ? "INSIDE" : "OUTSIDE");
        }
    }

    /* hard links and renames whose source or target climbs from a sub fd */
    ATTEMPT("escape", "link-from-sub", "../../canary.txt", 16, raw_path_link(deep, 0, "../../canary.txt", 16, BOX, "hl1", 3));
    ATTEMPT("escape", "link-from-sub", "../inside.txt", 13, raw_path_link(sub, 0, "../inside.txt", 13, BOX, "hl2", 3));
    ATTEMPT("escape", "link-to-sub", "../../x", 7, raw_path_link(BOX, 0, "inside.txt", 10, sub, "../../x", 7));
    ATTEMPT("escape", "rename-to-sub", "../../x", 7, raw_path_rename(BOX, "victim-in.txt", 13, sub, "../../x", 7));
    ATTEMPT("escape", "rename-from-sub", "../../canary.txt", 16, raw_path_rename(sub, "../../canary.txt", 16, BOX, "stolen", 6));
    ATTEMPT("escape", "rename-dir-out", "sub/deep", 8, raw_path_rename(BOX, "sub/deep", 8, BOX, "../deep-out", 11));
    ATTEMPT("escape", "rename-box-out", ".", 1, raw_path_rename(dot, "../box", 6, BOX, "boxcopy", 7));
    return finish("fds");
}
