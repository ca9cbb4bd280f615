/*
 * rights: fd_fdstat_get rights and fd_fdstat_set_rights (wasi-testsuite
 * path_open_preopen, fd_fdstat_set_rights, path_open_read_without_rights,
 * truncation_rights, directory_seek).
 *   - the preopen has (at least) the directory rights userlands rely on, and
 *     no FD_SEEK / FD_FILESTAT_SET_SIZE in its base rights
 *   - rights can be narrowed; operations needing a dropped right fail with
 *     badf or notcapable; widening them again -> notcapable
 *   - a directory's inheriting rights cap what path_open can hand out
 *   - O_TRUNC needs PATH_FILESTAT_SET_SIZE (perm or notcapable without it)
 *     but not FD_FILESTAT_SET_SIZE
 *   - dropping path rights from a directory fd disables those calls
 * NOTE: wasmtime implements no rights (set_rights -> notsup); the suite
 * skips such hosts, this program requires the capability model.
 */
#include "check.h"

#define NO_RIGHT __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE

static void drop(__wasi_fd_t fd, __wasi_rights_t base, __wasi_rights_t inh) {
    __wasi_fdstat_t fs;
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK_OK(__wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~base,
                                         fs.fs_rights_inheriting & ~inh));
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK_EQ(fs.fs_rights_base & base, 0);
    CHECK_EQ(fs.fs_rights_inheriting & inh, 0);
}

int main(void) {
    __wasi_fdstat_t fs;
    size_t n;
    char buf[16];
    __wasi_filesize_t pos;

    /* the preopen's rights */
    CHECK_OK(__wasi_fd_fdstat_get(SANDBOX, &fs));
    CHECK_EQ(fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    const __wasi_rights_t want_base =
        __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE |
        __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_OPEN |
        __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE |
        __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_PATH_SYMLINK |
        __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE |
        __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES |
        __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES;
    const __wasi_rights_t want_inh =
        want_base | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK |
        __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL |
        __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |
        __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
        __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_POLL_FD_READWRITE;
    CHECK_EQ(fs.fs_rights_base & want_base, want_base);
    CHECK_EQ(fs.fs_rights_inheriting & want_inh, want_inh);
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK, 0);
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0);

    /* fd_fdstat_set_rights on a file */
    __wasi_fd_t f = OPEN(SANDBOX, "file", __WASI_OFLAGS_CREAT,
                         __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                             __WASI_RIGHTS_FD_TELL, 0);
    CHECK_OK(write_all(f, "0123", 4, &n));
    CHECK_OK(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(read_full(f, buf, 4, &n));
    CHECK_EQ(n, 4);
    CHECK_OK(__wasi_fd_fdstat_get(f, &fs));
    CHECK_OK(__wasi_fd_fdstat_set_rights(f, fs.fs_rights_base, fs.fs_rights_inheriting)); /* same */
    drop(f, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0);
    CHECK_OK(__wasi_fd_fdstat_get(f, &fs));
    CHECK(fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK);
    CHECK_ERR(read_buf(f, buf, 4, &n), NO_RIGHT);
    CHECK_ERR(write_buf(f, "x", 1, &n), NO_RIGHT);
    CHECK_OK(__wasi_fd_seek(f, 1, __WASI_WHENCE_SET, &pos)); /* still allowed */
    CHECK_OK(__wasi_fd_tell(f, &pos));
    CHECK_EQ(pos, 1);
    const __wasi_rights_t more = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                 __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL;
    CHECK_ERR(__wasi_fd_fdstat_set_rights(f, fs.fs_rights_base | more,
                                          fs.fs_rights_inheriting | more),
              __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(__wasi_fd_fdstat_set_rights(f, fs.fs_rights_base | __WASI_RIGHTS_FD_READ,
                                          fs.fs_rights_inheriting),
              __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(read_buf(f, buf, 4, &n), NO_RIGHT); /* still not readable */
    /* dropping FD_SEEK / FD_TELL too */
    drop(f, __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL, 0);
    CHECK_ERR(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos), NO_RIGHT);
    CHECK_ERR(__wasi_fd_tell(f, &pos), NO_RIGHT);
    CHECK_OK(__wasi_fd_close(f));
    CHECK_ERR(__wasi_fd_fdstat_set_rights(f, 0, 0), __WASI_ERRNO_BADF);

    /* a directory's inheriting rights cap what it hands out
     * (path_open_read_without_rights) */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "d"));
    __wasi_fd_t d = OPEN_DIR(SANDBOX, "d");
    MAKE_FILE(d, "file", "secret");
    drop(d, __WASI_RIGHTS_FD_READ, __WASI_RIGHTS_FD_READ);
    __wasi_fd_t g = (__wasi_fd_t)-1;
    CHECK_OK(__wasi_path_open(d, 0, "file", 0, 0, 0, 0, &g));
    CHECK_OK(__wasi_fd_fdstat_get(g, &fs));
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_READ, 0);
    CHECK_EQ(fs.fs_rights_inheriting & __WASI_RIGHTS_FD_READ, 0);
    CHECK_ERR(read_buf(g, buf, 1, &n), NO_RIGHT);
    CHECK_OK(__wasi_fd_close(g));
    CHECK_ERR(__wasi_path_open(d, 0, "file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &g),
              __WASI_ERRNO_NOTCAPABLE);
    /* a directory opened from it cannot get FD_READ back either */
    CHECK_OK(__wasi_path_create_directory(d, "inner"));
    __wasi_fd_t d2 = (__wasi_fd_t)-1;
    CHECK_ERR(__wasi_path_open(d, 0, "inner", __WASI_OFLAGS_DIRECTORY, 0, __WASI_RIGHTS_FD_READ,
                               0, &d2), __WASI_ERRNO_NOTCAPABLE);

    /* truncation_rights */
    CHECK_OK(__wasi_fd_fdstat_get(d, &fs));
    CHECK(fs.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE);
    CHECK_OK(__wasi_path_open(d, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &g));
    CHECK_OK(__wasi_fd_close(g));
    drop(d, 0, __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
    MAKE_FILE(SANDBOX, "d/file", "again");
    CHECK_OK(__wasi_path_open(d, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &g));
    CHECK_OK(__wasi_fd_close(g));
    CHECK_EQ(slurp(SANDBOX, "d/file", buf, sizeof buf), 0);
    MAKE_FILE(SANDBOX, "d/file", "again");
    drop(d, __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE, 0);
    CHECK_ERR(__wasi_path_open(d, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &g),
              __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
    CHECK_EQ(slurp(SANDBOX, "d/file", buf, sizeof buf), 5);

    /* path rights on a directory fd */
    drop(d, __WASI_RIGHTS_PATH_CREATE_FILE, 0);
    CHECK_ERR(__wasi_path_open(d, 0, "new", __WASI_OFLAGS_CREAT, 0, 0, 0, &g),
              __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_path_open(d, 0, "file", 0, 0, 0, 0, &g)); /* opening existing is fine */
    CHECK_OK(__wasi_fd_close(g));
    drop(d, __WASI_RIGHTS_PATH_CREATE_DIRECTORY, 0);
    CHECK_ERR(__wasi_path_create_directory(d, "newdir"), __WASI_ERRNO_NOTCAPABLE);
    drop(d, __WASI_RIGHTS_PATH_UNLINK_FILE, 0);
    CHECK_ERR(__wasi_path_unlink_file(d, "file"), __WASI_ERRNO_NOTCAPABLE);
    drop(d, __WASI_RIGHTS_PATH_REMOVE_DIRECTORY, 0);
    CHECK_ERR(__wasi_path_remove_directory(d, "inner"), __WASI_ERRNO_NOTCAPABLE);
    drop(d, __WASI_RIGHTS_FD_READDIR, 0);
    uint8_t dbuf[128];
    __wasi_size_t used;
    CHECK_ERR(__wasi_fd_readdir(d, dbuf, sizeof dbuf, 0, &used), __WASI_ERRNO_NOTCAPABLE);
    drop(d, __WASI_RIGHTS_PATH_FILESTAT_GET, 0);
    __wasi_filestat_t st;
    CHECK_ERR(__wasi_path_filestat_get(d, 0, "file", &st), __WASI_ERRNO_NOTCAPABLE);
    drop(d, __WASI_RIGHTS_PATH_OPEN, 0);
    CHECK_ERR(__wasi_path_open(d, 0, "file", 0, 0, 0, 0, &g), __WASI_ERRNO_NOTCAPABLE);
    /* nothing above happened */
    CHECK_EQ(path_type(SANDBOX, "d/new"), 255);
    CHECK_EQ(path_type(SANDBOX, "d/newdir"), 255);
    CHECK_EQ(path_type(SANDBOX, "d/file"), __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(path_type(SANDBOX, "d/inner"), __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_fd_close(d));
    return DONE("rights");
}
