/*
 * path_rename (wasi-testsuite path_rename, path_rename_dir_trailing_slashes,
 * path_rename_file_trailing_slashes).
 *   - file -> new name, file over an existing file (replaced), dir -> new
 *     name, dir over an empty dir (replaced)
 *   - dir over a non-empty dir -> notempty (suite also accepts acces),
 *     dir over a file -> notdir, file over a dir -> isdir (suite: acces)
 *   - trailing slashes: fine on directories, notdir on files
 *   - rename across directories, onto itself, missing source -> noent
 *   - an fd open on the renamed file keeps working
 */
#include "check.h"

int main(void) {
    char buf[64];
    __wasi_fd_t fd;

    /* dir -> nonexistent */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "source"));
    CHECK_OK(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target"));
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "source", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
              __WASI_ERRNO_NOENT);
    CHECK_EQ(path_type(SANDBOX, "target"), __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "target"));

    /* dir -> existing empty dir */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "source"));
    MAKE_FILE(SANDBOX, "source/inside", "in");
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "target"));
    CHECK_OK(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target"));
    CHECK_EQ(path_type(SANDBOX, "source"), 255);
    CHECK_EQ(slurp(SANDBOX, "target/inside", buf, sizeof buf), 2);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "target/inside"));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "target"));

    /* dir -> existing non-empty dir */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "source"));
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "target"));
    MAKE_FILE(SANDBOX, "target/file", "t");
    CHECK_ERR(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target"), __WASI_ERRNO_NOTEMPTY,
              __WASI_ERRNO_ACCES);
    /* dir -> existing file */
    CHECK_ERR(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target/file"), __WASI_ERRNO_NOTDIR);
    CHECK_EQ(path_type(SANDBOX, "source"), __WASI_FILETYPE_DIRECTORY);
    CHECK_EQ(path_type(SANDBOX, "target/file"), __WASI_FILETYPE_REGULAR_FILE);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "target/file"));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "target"));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "source"));

    /* file -> nonexistent */
    MAKE_FILE(SANDBOX, "source", "S");
    CHECK_OK(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target"));
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "source", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
    CHECK_EQ(slurp(SANDBOX, "target", buf, sizeof buf), 1);
    CHECK_STR(buf, "S");

    /* file -> existing file: replaced */
    MAKE_FILE(SANDBOX, "source", "new");
    CHECK_OK(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target"));
    CHECK_EQ(path_type(SANDBOX, "source"), 255);
    CHECK_EQ(slurp(SANDBOX, "target", buf, sizeof buf), 3);
    CHECK_STR(buf, "new");
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "target"));

    /* file -> existing (empty) dir */
    MAKE_FILE(SANDBOX, "source", "S");
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "target"));
    CHECK_ERR(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target"), __WASI_ERRNO_ISDIR,
              __WASI_ERRNO_ACCES);
    CHECK_EQ(path_type(SANDBOX, "source"), __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(path_type(SANDBOX, "target"), __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "target"));

    /* trailing slashes on a file: notdir, nothing moves */
    CHECK_ERR(__wasi_path_rename(SANDBOX, "source/", SANDBOX, "target"), __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_rename(SANDBOX, "source", SANDBOX, "target/"), __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_rename(SANDBOX, "source/", SANDBOX, "target/"), __WASI_ERRNO_NOTDIR);
    CHECK_EQ(path_type(SANDBOX, "source"), __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(path_type(SANDBOX, "target"), 255);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "source"));

    /* trailing slashes on a directory: fine */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "source"));
    CHECK_OK(__wasi_path_rename(SANDBOX, "source/", SANDBOX, "target"));
    CHECK_OK(__wasi_path_rename(SANDBOX, "target", SANDBOX, "source/"));
    CHECK_OK(__wasi_path_rename(SANDBOX, "source/", SANDBOX, "target/"));
    CHECK_OK(__wasi_path_rename(SANDBOX, "target", SANDBOX, "source"));
    CHECK_EQ(path_type(SANDBOX, "source"), __WASI_FILETYPE_DIRECTORY);

    /* across directories, through two different dir fds */
    MAKE_FILE(SANDBOX, "source/f", "moved");
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "other"));
    __wasi_fd_t src = OPEN_DIR(SANDBOX, "source");
    __wasi_fd_t dst = OPEN_DIR(SANDBOX, "other");
    CHECK_OK(__wasi_path_rename(src, "f", dst, "g"));
    CHECK_EQ(path_type(SANDBOX, "source/f"), 255);
    CHECK_EQ(slurp(SANDBOX, "other/g", buf, sizeof buf), 5);
    CHECK_OK(__wasi_path_rename(dst, "g", SANDBOX, "top"));
    CHECK_EQ(slurp(SANDBOX, "top", buf, sizeof buf), 5);
    CHECK_OK(__wasi_fd_close(src));
    CHECK_OK(__wasi_fd_close(dst));

    /* onto itself: no-op */
    CHECK_OK(__wasi_path_rename(SANDBOX, "top", SANDBOX, "top"));
    CHECK_EQ(slurp(SANDBOX, "top", buf, sizeof buf), 5);

    /* missing source, missing target parent */
    CHECK_ERR(__wasi_path_rename(SANDBOX, "nope", SANDBOX, "x"), __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_rename(SANDBOX, "top", SANDBOX, "nodir/x"), __WASI_ERRNO_NOENT);
    CHECK_EQ(path_type(SANDBOX, "top"), __WASI_FILETYPE_REGULAR_FILE);

    /* a directory cannot be moved into itself */
    CHECK_ERR(__wasi_path_rename(SANDBOX, "source", SANDBOX, "source/inner"), __WASI_ERRNO_INVAL);

    /* an open fd follows the file through a rename */
    fd = OPEN(SANDBOX, "top", 0, RW_RIGHTS, 0);
    CHECK_OK(__wasi_path_rename(SANDBOX, "top", SANDBOX, "source/renamed"));
    size_t n;
    memset(buf, 0, sizeof buf);
    CHECK_OK(read_full(fd, buf, sizeof buf, &n));
    CHECK_STR(buf, "moved");
    CHECK_OK(write_all(fd, "!", 1, &n));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_EQ(slurp(SANDBOX, "source/renamed", buf, sizeof buf), 6);
    CHECK_STR(buf, "moved!");
    return DONE("path_rename");
}
