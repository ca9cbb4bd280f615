/*
 * paths: every path that tries to leave the /box preopen, through every
 * path_* call, against a host directory mounted with `warden run --dir`.
 *
 * The test plants, in the host box (see escape.test.ts), besides regular
 * files and directories:
 *   up -> ..            up2 -> ../..          upfile -> ../canary.txt
 *   abs -> $T/w/canary.txt                    absdir -> $T/w/outside
 *   root -> /           outlink -> ../outside sub/updir -> ../..
 *   tosub -> sub        doubledot -> ../box/inside.txt
 *   sub/deep/hop1 -> ../hop2, sub/hop2 -> ../hop3, hop3 -> ../outside
 *                       (a chain that climbs one level per hop)
 *   sub/l1 -> ..,  l2 -> sub/l1/sub/l1/../canary.txt
 *                       (each link stays inside, their composition does not)
 *   trunc-link -> ../victim.txt          dangle-link -> ../created-outside.txt
 *   abs-trunc -> $T/w/victim.txt         abs-dangle -> $T/w/created-abs.txt
 *
 * Expectations (kinds, mapped to errnos by the test):
 *   escape  perm (63) or notcapable (76): ".." above the preopen, absolute
 *           paths, and symlinks whose target is absolute or climbs out.
 *   loop    loop (32): O_CREAT without SYMLINK_FOLLOW on an existing symlink
 *           opens the symlink itself, which path_open refuses with loop.
 *   exist   exist (20): O_CREAT|O_EXCL on an existing (planted) symlink.
 */
#include "attempt.h"

static __wasi_fd_t BOX;

/* Every path_* call on `p`. `final_link`: the last component is a planted
 * symlink, so only the calls that follow it are escapes (lstat, readlink,
 * unlink or rename of the link itself are legitimate and not tried). */
static void all_ops(const char *p, size_t len, int final_link) {
    __wasi_filestat_t st;
    uint8_t buf[64];
    uint32_t used;
    const char *K = "escape";

    try_open(K, "open", BOX, p, len, FOLLOW, 0, READ_RIGHTS);
    try_open(K, "open-dir", BOX, p, len, FOLLOW, __WASI_OFLAGS_DIRECTORY, DIR_BASE | __WASI_RIGHTS_FD_READDIR);
    try_open(K, "creat", BOX, p, len, FOLLOW, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    try_open(K, "creat-trunc", BOX, p, len, FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS);
    try_open(K, "open-write", BOX, p, len, FOLLOW, 0, RW_RIGHTS);
    ATTEMPT(K, "stat-follow", p, len, raw_path_filestat_get(BOX, FOLLOW, p, len, &st));
    ATTEMPT(K, "utimes-follow", p, len,
            raw_path_filestat_set_times(BOX, FOLLOW, p, len, 0, 0, __WASI_FSTFLAGS_MTIM_NOW | __WASI_FSTFLAGS_ATIM_NOW));
    ATTEMPT(K, "link-from-follow", p, len, raw_path_link(BOX, FOLLOW, p, len, BOX, "linked", 6));
    if (final_link) return;
    try_open(K, "open-nofollow", BOX, p, len, 0, 0, READ_RIGHTS);
    try_open(K, "creat-excl", BOX, p, len, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW_RIGHTS);
    ATTEMPT(K, "stat", p, len, raw_path_filestat_get(BOX, 0, p, len, &st));
    ATTEMPT(K, "utimes", p, len, raw_path_filestat_set_times(BOX, 0, p, len, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    ATTEMPT(K, "mkdir", p, len, raw_path_create_directory(BOX, p, len));
    ATTEMPT(K, "rmdir", p, len, raw_path_remove_directory(BOX, p, len));
    ATTEMPT(K, "unlink", p, len, raw_path_unlink_file(BOX, p, len));
    ATTEMPT(K, "readlink", p, len, raw_path_readlink(BOX, p, len, buf, sizeof buf, &used));
    ATTEMPT(K, "symlink-at", p, len, raw_path_symlink("inside.txt", 10, BOX, p, len));
    ATTEMPT(K, "link-from", p, len, raw_path_link(BOX, 0, p, len, BOX, "linked", 6));
    ATTEMPT(K, "link-to", p, len, raw_path_link(BOX, 0, "victim-in.txt", 13, BOX, p, len));
    ATTEMPT(K, "rename-from", p, len, raw_path_rename(BOX, p, len, BOX, "renamed", 7));
    ATTEMPT(K, "rename-to", p, len, raw_path_rename(BOX, "victim-in.txt", 13, BOX, p, len));
}

static void ops(const char *p) { all_ops(p, strlen(p), 0); }
static void ops_link(const char *p) { all_ops(p, strlen(p), 1); }

static const char *const escaping[] = {
    /* ".." from the preopen, and paths that climb out after descending */
    "..", "../", "../.", "./..", "./../canary.txt", "../canary.txt", "../outside",
    "../outside/secret.txt", "../..", "../../canary-above.txt", "../../../../../../../..",
    "../box", "../box/inside.txt", "a/../../canary.txt", "sub/../../canary.txt",
    ".//..//canary.txt", "sub/./../../canary.txt", "sub/deep/../../../canary.txt",
    "sub/deep/../../..", "sub/../sub/../..", "./././..", "sub//deep//..//..//..//canary.txt",
    /* absolute paths: never allowed, even naming the preopen itself */
    "/etc/passwd", "/canary.txt", "//canary.txt", "/", "//", "/box", "/box/inside.txt",
    "/..", "/../canary.txt", "/./box/inside.txt",
    /* through planted symlinks, as an intermediate component */
    "up/canary.txt", "up/.", "up/outside/secret.txt", "up/box/inside.txt",
    "up2/canary-above.txt", "up2/w/canary.txt", "upfile/.", "upfile/x", "abs/.",
    "absdir/secret.txt", "absdir/.", "root/etc/passwd", "root/.", "outlink/secret.txt",
    "outlink/.", "outlink/newfile", "sub/updir/canary-above.txt", "sub/updir/w/canary.txt",
    "sub/deep/hop1/secret.txt", "sub/deep/hop1/.", "hop3/secret.txt", "l2/.",
    /* ".." after following a symlink into a sub-directory: POSIX semantics
     * (tosub/.. is the box), and one more ".." leaves it */
    "tosub/../../canary.txt", "tosub/deep/../../../canary.txt", "tosub/../up/canary.txt",
    "doubledot/.", "trunc-link/.", "dangle-link/x",
};

static const char *const final_links[] = {
    "up", "up2", "upfile", "abs", "absdir", "root", "outlink", "sub/updir",
    "sub/deep/hop1", "hop3", "l2", "doubledot", "trunc-link", "dangle-link",
    "abs-trunc", "abs-dangle", "tosub/updir",
};

int main(int argc, char **argv) {
    setup(argc, argv);
    BOX = find_preopen("/box");
    char hp[512];

    for (size_t i = 0; i < sizeof escaping / sizeof *escaping; i++) ops(escaping[i]);
    for (size_t i = 0; i < sizeof final_links / sizeof *final_links; i++) ops_link(final_links[i]);

    /* absolute host paths of the canaries (argv[1] is the real temp dir) */
    ops(host_path(hp, sizeof hp, "/w/canary.txt"));
    ops(host_path(hp, sizeof hp, "/w/outside/secret.txt"));
    ops(host_path(hp, sizeof hp, "/w/box/inside.txt"));
    ops(host_path(hp, sizeof hp, "/canary-above.txt"));

    /* O_CREAT without SYMLINK_FOLLOW on planted symlinks that point outside
     * (existing target, dangling target): the symlink itself is what would
     * be opened -> loop; O_EXCL -> exist. Nothing outside may be created or
     * truncated (the test checks victim.txt and the outside listing). */
    static const char *const creat_links[] = {"trunc-link", "dangle-link", "abs-trunc", "abs-dangle"};
    for (size_t i = 0; i < 4; i++) {
        const char *p = creat_links[i];
        size_t n = strlen(p);
        try_open("loop", "creat-nofollow", BOX, p, n, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);
        try_open("loop", "creat-trunc-nofollow", BOX, p, n, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS);
        try_open("exist", "creat-excl-follow", BOX, p, n, FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW_RIGHTS);
    }
    return finish("paths");
}
