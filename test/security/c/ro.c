/*
 * ro: a host directory preopened with `warden run --ro-dir` (guest name
 * /ro). Every change is refused and the host directory stays byte-for-byte
 * and time-for-time the same (the test compares a full listing).
 *
 * Expectations (kinds, mapped to errnos by the test):
 *   ro      perm (63): every path call that would change something (read-only
 *           mounts refuse with not-permitted, as wasmtime's read-only
 *           preopens), including opens that ask for FD_WRITE, O_CREAT or
 *           O_TRUNC, even on a name that does not exist yet.
 *   ro-fd   perm (63), badf (8) or notcapable (76): changes through fds the
 *           guest could open (read-only files, directories): a write
 *           without the FD_WRITE right is badf; other refusals perm.
 *   escape  perm (63) / notcapable (76): escapes work no better read-only.
 *   inside  INSIDE: reading is allowed (control).
 */
#include "attempt.h"

static __wasi_fd_t RO;

int main(int argc, char **argv) {
    setup(argc, argv);
    RO = find_preopen("/ro");
    __wasi_filestat_t st;
    const char *K = "ro";
    uint64_t T0 = 1000000000000000000ull;

    /* control */
    begin_attempt("inside", "read", "inside.txt", 10);
    {
        char buf[32];
        size_t n = 0;
        uint32_t fd;
        unsigned e = (unsigned)raw_path_open(RO, 0, "inside.txt", 10, 0, READ_RIGHTS, 0, 0, &fd);
        if (e) put_errno(e);
        else {
            e = read_full(fd, buf, sizeof buf, &n);
            (void)__wasi_fd_close(fd);
            puts(e == 0 && n == 7 && memcmp(buf, "inside\n", 7) == 0 ? "INSIDE" : "OUTSIDE");
        }
    }

    /* opens that would change something */
    try_open(K, "creat-new", RO, "new.txt", 7, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    try_open(K, "creat-new-readonly", RO, "new2.txt", 8, 0, __WASI_OFLAGS_CREAT, READ_RIGHTS);
    try_open(K, "creat-excl", RO, "new3.txt", 8, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, READ_RIGHTS);
    try_open(K, "creat-existing", RO, "inside.txt", 10, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    try_open(K, "trunc", RO, "inside.txt", 10, 0, __WASI_OFLAGS_TRUNC, RW_RIGHTS);
    try_open(K, "trunc-readonly", RO, "inside.txt", 10, 0, __WASI_OFLAGS_TRUNC, READ_RIGHTS);
    try_open(K, "creat-trunc", RO, "inside.txt", 10, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS);
    try_open(K, "open-write", RO, "inside.txt", 10, 0, 0, RW_RIGHTS);
    try_open(K, "open-write-sub", RO, "sub/inner.txt", 13, 0, 0, RW_RIGHTS);
    try_open(K, "open-write-via-link", RO, "tosub/inner.txt", 15, FOLLOW, 0, RW_RIGHTS);
    try_open(K, "creat-in-sub", RO, "sub/new.txt", 11, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);

    /* path calls */
    ATTEMPT(K, "mkdir", "newdir", 6, raw_path_create_directory(RO, "newdir", 6));
    ATTEMPT(K, "mkdir-sub", "sub/newdir", 10, raw_path_create_directory(RO, "sub/newdir", 10));
    ATTEMPT(K, "rmdir", "emptydir", 8, raw_path_remove_directory(RO, "emptydir", 8));
    ATTEMPT(K, "unlink", "inside.txt", 10, raw_path_unlink_file(RO, "inside.txt", 10));
    ATTEMPT(K, "unlink-link", "tosub", 5, raw_path_unlink_file(RO, "tosub", 5));
    ATTEMPT(K, "rename-file", "inside.txt", 10, raw_path_rename(RO, "inside.txt", 10, RO, "moved.txt", 9));
    ATTEMPT(K, "rename-over", "inside.txt", 10, raw_path_rename(RO, "inside.txt", 10, RO, "sub/inner.txt", 13));
    ATTEMPT(K, "rename-dir", "sub", 3, raw_path_rename(RO, "sub", 3, RO, "sub2", 4));
    ATTEMPT(K, "symlink", "newlink", 7, raw_path_symlink("inside.txt", 10, RO, "newlink", 7));
    ATTEMPT(K, "symlink-out", "newlink2", 8, raw_path_symlink("..", 2, RO, "newlink2", 8));
    ATTEMPT(K, "link", "hardlink", 8, raw_path_link(RO, 0, "inside.txt", 10, RO, "hardlink", 8));
    ATTEMPT(K, "utimes", "inside.txt", 10, raw_path_filestat_set_times(RO, 0, "inside.txt", 10, T0, T0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    ATTEMPT(K, "utimes-now", "inside.txt", 10, raw_path_filestat_set_times(RO, 0, "inside.txt", 10, 0, 0, __WASI_FSTFLAGS_MTIM_NOW | __WASI_FSTFLAGS_ATIM_NOW));
    ATTEMPT(K, "utimes-follow", "tosub", 5, raw_path_filestat_set_times(RO, FOLLOW, "tosub", 5, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    ATTEMPT(K, "utimes-nofollow", "tosub", 5, raw_path_filestat_set_times(RO, 0, "tosub", 5, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    ATTEMPT(K, "utimes-dir", ".", 1, raw_path_filestat_set_times(RO, 0, ".", 1, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));

    /* through fds the guest can open */
    uint32_t f = 0, d = 0;
    unsigned e = (unsigned)raw_path_open(RO, 0, "inside.txt", 10, 0, RW_RIGHTS & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), 0, 0, &f);
    if (e != 0) printf("setup: open inside.txt for reading failed with %u\n", e);
    else {
        size_t n;
        __wasi_ciovec_t iov = {.buf = (const uint8_t *)"XX", .buf_len = 2};
        ATTEMPT("ro-fd", "fd_write", "inside.txt", 10, __wasi_fd_write(f, &iov, 1, &n));
        ATTEMPT("ro-fd", "fd_pwrite", "inside.txt", 10, __wasi_fd_pwrite(f, &iov, 1, 0, &n));
        ATTEMPT("ro-fd", "fd_filestat_set_size", "inside.txt", 10, __wasi_fd_filestat_set_size(f, 0));
        ATTEMPT("ro-fd", "fd_allocate", "inside.txt", 10, __wasi_fd_allocate(f, 0, 4096));
        ATTEMPT("ro-fd", "fd_filestat_set_times", "inside.txt", 10,
                __wasi_fd_filestat_set_times(f, T0, T0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
        ATTEMPT("ro-fd", "fd_fdstat_set_rights-widen", "inside.txt", 10,
                __wasi_fd_fdstat_set_rights(f, RW_RIGHTS, 0));
        ATTEMPT("ro-fd", "fd_write-after-widen", "inside.txt", 10, __wasi_fd_write(f, &iov, 1, &n));
        (void)__wasi_fd_close(f);
    }
    e = (unsigned)raw_path_open(RO, 0, "sub", 3, __WASI_OFLAGS_DIRECTORY, DIR_BASE, DIR_INHERITING, 0, &d);
    if (e != 0) printf("setup: open sub failed with %u\n", e);
    else {
        ATTEMPT("ro-fd", "dir-fd_filestat_set_times", "sub", 3,
                __wasi_fd_filestat_set_times(d, T0, T0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
        try_open(K, "dir-creat", d, "new.txt", 7, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);
        ATTEMPT(K, "dir-mkdir", "x", 1, raw_path_create_directory(d, "x", 1));
        ATTEMPT(K, "dir-unlink", "inner.txt", 9, raw_path_unlink_file(d, "inner.txt", 9));
        ATTEMPT(K, "dir-rename-across", "inner.txt", 9, raw_path_rename(d, "inner.txt", 9, RO, "out.txt", 7));
        (void)__wasi_fd_close(d);
    }
    ATTEMPT("ro-fd", "preopen-fd_filestat_set_times", ".", 1,
            __wasi_fd_filestat_set_times(RO, T0, T0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));

    /* escapes are no easier read-only */
    try_open("escape", "open", RO, "../canary.txt", 13, FOLLOW, 0, READ_RIGHTS);
    try_open("escape", "open", RO, "up/canary.txt", 13, FOLLOW, 0, READ_RIGHTS);
    try_open("escape", "creat-trunc", RO, "trunc-link", 10, FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS);
    ATTEMPT("escape", "stat", "..", 2, raw_path_filestat_get(RO, FOLLOW, "..", 2, &st));
    return finish("ro");
}
