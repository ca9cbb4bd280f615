/*
 * prestat: fd_prestat_get / fd_prestat_dir_name, and closing the preopen.
 *   - fd 3 is a directory preopen named "/sandbox" (8 bytes, no NUL)
 *   - a too-small buffer fails (nametoolong as wasmtime; the suite also
 *     accepts inval), a larger buffer works, exact-size writes no extra byte
 *   - stdio, non-preopen and unknown fds -> badf
 *   - the preopen can be closed (wasi-testsuite close_preopen); another fd
 *     opened from it keeps working
 */
#include "check.h"

int main(void) {
    __wasi_prestat_t ps;
    memset(&ps, 0xAA, sizeof ps);
    CHECK_OK(__wasi_fd_prestat_get(SANDBOX, &ps));
    CHECK_EQ(ps.tag, __WASI_PREOPENTYPE_DIR);
    CHECK_EQ(ps.u.dir.pr_name_len, 8);

    char name[16];
    memset(name, '#', sizeof name);
    CHECK_OK(__wasi_fd_prestat_dir_name(SANDBOX, (uint8_t *)name, 8));
    CHECK_MEM(name, "/sandbox", 8);
    CHECK_EQ(name[8], '#'); /* no NUL terminator written */

    memset(name, '#', sizeof name);
    CHECK_OK(__wasi_fd_prestat_dir_name(SANDBOX, (uint8_t *)name, 9));
    CHECK_MEM(name, "/sandbox", 8);

    CHECK_ERR(__wasi_fd_prestat_dir_name(SANDBOX, (uint8_t *)name, 0),
              __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_fd_prestat_dir_name(SANDBOX, (uint8_t *)name, 7),
              __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_INVAL);

    /* the preopen is a directory with the usual directory fdstat */
    __wasi_fdstat_t fs;
    CHECK_OK(__wasi_fd_fdstat_get(SANDBOX, &fs));
    CHECK_EQ(fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_EQ(fs.fs_flags, 0);

    /* not preopens */
    for (__wasi_fd_t fd = 0; fd < 3; fd++)
        CHECK_ERR(__wasi_fd_prestat_get(fd, &ps), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_prestat_get(4, &ps), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_prestat_get(1000, &ps), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_prestat_dir_name(4, (uint8_t *)name, sizeof name), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_prestat_dir_name(1000, (uint8_t *)name, sizeof name), __WASI_ERRNO_BADF);

    CHECK_OK(__wasi_path_create_directory(SANDBOX, "sub"));
    __wasi_fd_t sub = OPEN_DIR(SANDBOX, "sub");
    CHECK_ERR(__wasi_fd_prestat_get(sub, &ps), __WASI_ERRNO_BADF);
    /* wasmtime answers notdir for dir_name on an open non-preopen fd */
    CHECK_ERR(__wasi_fd_prestat_dir_name(sub, (uint8_t *)name, sizeof name),
              __WASI_ERRNO_BADF, __WASI_ERRNO_NOTDIR);

    /* close_preopen: open "." again, close fd 3, the copy still works */
    __wasi_fd_t dot = OPEN_DIR(SANDBOX, ".");
    CHECK(dot > 3);
    __wasi_filestat_t before, after;
    CHECK_OK(__wasi_fd_filestat_get(SANDBOX, &before));
    CHECK_OK(__wasi_fd_close(SANDBOX));
    CHECK_ERR(__wasi_fd_fdstat_get(SANDBOX, &fs), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_prestat_get(SANDBOX, &ps), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_close(SANDBOX), __WASI_ERRNO_BADF);
    CHECK_OK(__wasi_fd_fdstat_get(dot, &fs));
    CHECK_EQ(fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_fd_filestat_get(dot, &after));
    CHECK_EQ(after.ino, before.ino);
    CHECK_EQ(after.dev, before.dev);
    MAKE_FILE(dot, "sub/made-after-close", "x");
    CHECK_EQ(path_type(sub, "made-after-close"), __WASI_FILETYPE_REGULAR_FILE);
    return DONE("prestat");
}
