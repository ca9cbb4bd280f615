/*
 * fd_sharing: several fds and names referring to the same objects.
 *   - two fds on one file have independent positions; writes through one
 *     are visible through the other at once (file_unbuffered_write)
 *   - an unlinked file stays readable/writable through an open fd, and a new
 *     file with the same name is a different file
 *   - a directory fd follows its directory through a rename
 *   - entries cannot be created in a directory that has been removed
 *   - isatty() is false for a regular file (wasi-testsuite isatty)
 */
#include "check.h"
#include <unistd.h>

int main(void) {
    char buf[64];
    size_t n;
    __wasi_filesize_t pos;
    __wasi_filestat_t st;

    MAKE_FILE(SANDBOX, "shared", "abcdef");
    __wasi_fd_t a = OPEN(SANDBOX, "shared", 0, RW_RIGHTS, 0);
    __wasi_fd_t b = OPEN(SANDBOX, "shared", 0, RW_RIGHTS, 0);
    CHECK(a != b);
    CHECK_OK(read_full(a, buf, 3, &n));
    CHECK_MEM(buf, "abc", 3);
    CHECK_OK(__wasi_fd_tell(b, &pos));
    CHECK_EQ(pos, 0);
    CHECK_OK(read_full(b, buf, 2, &n));
    CHECK_MEM(buf, "ab", 2);
    CHECK_OK(__wasi_fd_tell(a, &pos));
    CHECK_EQ(pos, 3);

    /* write through a at 3, read through b at 2 */
    CHECK_OK(write_all(a, "XY", 2, &n));
    CHECK_OK(read_full(b, buf, 4, &n));
    CHECK_EQ(n, 4);
    CHECK_MEM(buf, "cXYf", 4);
    /* b grows the file, a sees the new size */
    CHECK_OK(__wasi_fd_seek(b, 0, __WASI_WHENCE_END, &pos));
    CHECK_OK(write_all(b, "GH", 2, &n));
    CHECK_OK(__wasi_fd_filestat_get(a, &st));
    CHECK_EQ(st.size, 8);
    CHECK_OK(read_full(a, buf, sizeof buf, &n));
    CHECK_EQ(n, 3);
    CHECK_MEM(buf, "fGH", 3);
    /* closing one leaves the other working */
    CHECK_OK(__wasi_fd_close(b));
    CHECK_OK(__wasi_fd_seek(a, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(read_full(a, buf, sizeof buf, &n));
    CHECK_EQ(n, 8);
    CHECK_MEM(buf, "abcXYfGH", 8);

    /* unlink while open */
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "shared"));
    CHECK_EQ(path_type(SANDBOX, "shared"), 255);
    CHECK_OK(__wasi_fd_seek(a, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(read_full(a, buf, sizeof buf, &n));
    CHECK_EQ(n, 8);
    CHECK_OK(write_all(a, "!", 1, &n));
    CHECK_OK(__wasi_fd_filestat_get(a, &st));
    CHECK_EQ(st.size, 9);
    CHECK_EQ(st.nlink, 0);
    MAKE_FILE(SANDBOX, "shared", "new");
    CHECK_EQ(slurp(SANDBOX, "shared", buf, sizeof buf), 3);
    CHECK_STR(buf, "new");
    CHECK_OK(__wasi_fd_filestat_get(a, &st));
    CHECK_EQ(st.size, 9);
    CHECK_OK(__wasi_fd_close(a));
    CHECK_EQ(slurp(SANDBOX, "shared", buf, sizeof buf), 3);

    /* a directory fd follows a rename of its directory */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "d1"));
    __wasi_fd_t d = OPEN_DIR(SANDBOX, "d1");
    CHECK_OK(__wasi_path_rename(SANDBOX, "d1", SANDBOX, "d2"));
    MAKE_FILE(d, "inside", "i");
    CHECK_EQ(path_type(SANDBOX, "d2/inside"), __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(path_type(SANDBOX, "d1"), 255);
    CHECK_OK(__wasi_path_unlink_file(d, "inside"));

    /* ... and cannot create entries once the directory is removed */
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "d2"));
    __wasi_fd_t x;
    CHECK_ERR(__wasi_path_open(d, 0, "late", __WASI_OFLAGS_CREAT, 0, 0, 0, &x), __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_create_directory(d, "late"), __WASI_ERRNO_NOENT);
    CHECK_OK(__wasi_fd_close(d));

    /* isatty */
    __wasi_fd_t f = OPEN(SANDBOX, "tty?", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    CHECK_EQ(isatty((int)f), 0);
    CHECK_OK(__wasi_fd_close(f));
    return DONE("fd_sharing");
}
