/*
 * path_ops: path_create_directory, path_remove_directory, path_unlink_file
 * (wasi-testsuite remove_nonempty_directory, remove_directory_trailing_slashes,
 * unlink_file_trailing_slashes, dangling_fd).
 *   - mkdir: exists -> exist (also over a file), missing parent -> noent,
 *     a file as parent -> notdir
 *   - rmdir: not empty -> notempty, on a file -> notdir (also "file/"),
 *     "dir/" works (suite also accepts acces), missing -> noent
 *   - unlink: a directory -> isdir (suite also accepts perm / acces),
 *     "file/" -> notdir (suite also accepts noent), missing -> noent
 *   - names can be reused while an fd to the removed object is still open
 */
#include "check.h"

#define UNLINK_DIR_ERRS __WASI_ERRNO_ISDIR, __WASI_ERRNO_PERM, __WASI_ERRNO_ACCES

int main(void) {
    /* create */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "d"));
    CHECK_EQ(path_type(SANDBOX, "d"), __WASI_FILETYPE_DIRECTORY);
    CHECK_ERR(__wasi_path_create_directory(SANDBOX, "d"), __WASI_ERRNO_EXIST);
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "d/e"));
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "d/e/f"));
    CHECK_ERR(__wasi_path_create_directory(SANDBOX, "missing/x"), __WASI_ERRNO_NOENT);
    MAKE_FILE(SANDBOX, "file", "data");
    CHECK_ERR(__wasi_path_create_directory(SANDBOX, "file"), __WASI_ERRNO_EXIST);
    CHECK_ERR(__wasi_path_create_directory(SANDBOX, "file/x"), __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_create_directory(SANDBOX, "."), __WASI_ERRNO_EXIST);

    /* remove_directory */
    CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "d"), __WASI_ERRNO_NOTEMPTY);
    CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "d/e"), __WASI_ERRNO_NOTEMPTY);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "d/e/f"));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "d/e"));
    CHECK_EQ(path_type(SANDBOX, "d/e"), 255);
    MAKE_FILE(SANDBOX, "d/child", "c");
    CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "d"), __WASI_ERRNO_NOTEMPTY);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "d/child"));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "d"));
    CHECK_EQ(path_type(SANDBOX, "d"), 255);
    CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "d"), __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "file"), __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "file/"), __WASI_ERRNO_NOTDIR,
              __WASI_ERRNO_NOENT);
    /* trailing slash on a directory: removes it, or (suite) acces */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "slashdir"));
    unsigned e = CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "slashdir/"),
                           __WASI_ERRNO_SUCCESS, __WASI_ERRNO_ACCES);
    if (e) CHECK_OK(__wasi_path_remove_directory(SANDBOX, "slashdir"));
    CHECK_EQ(path_type(SANDBOX, "slashdir"), 255);

    /* unlink_file */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "dir"));
    CHECK_ERR(__wasi_path_unlink_file(SANDBOX, "dir"), UNLINK_DIR_ERRS);
    CHECK_ERR(__wasi_path_unlink_file(SANDBOX, "dir/"), UNLINK_DIR_ERRS);
    CHECK_EQ(path_type(SANDBOX, "dir"), __WASI_FILETYPE_DIRECTORY);
    CHECK_ERR(__wasi_path_unlink_file(SANDBOX, "file/"), __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
    CHECK_EQ(path_type(SANDBOX, "file"), __WASI_FILETYPE_REGULAR_FILE);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "file"));
    CHECK_EQ(path_type(SANDBOX, "file"), 255);
    CHECK_ERR(__wasi_path_unlink_file(SANDBOX, "file"), __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_unlink_file(SANDBOX, "nodir/file"), __WASI_ERRNO_NOENT);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "dir"));

    /* dangling_fd: remove names while fds are open, then reuse the names */
    MAKE_FILE(SANDBOX, "dangling", "");
    __wasi_fd_t f = OPEN(SANDBOX, "dangling", 0, RW_RIGHTS, 0);
    CHECK(f > 2);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "dangling"));
    __wasi_fd_t f2 = OPEN(SANDBOX, "dangling", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_close(f2));
    CHECK_OK(__wasi_fd_close(f));
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "dangling"));

    CHECK_OK(__wasi_path_create_directory(SANDBOX, "dsub"));
    __wasi_fd_t d = OPEN_DIR(SANDBOX, "dsub");
    CHECK(d > 2);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "dsub"));
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "dsub"));
    CHECK_OK(__wasi_fd_close(d));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "dsub"));

    /* the sandbox is empty again */
    CHECK_EQ(path_type(SANDBOX, "dsub"), 255);
    CHECK_EQ(path_type(SANDBOX, "dangling"), 255);
    return DONE("path_ops");
}
