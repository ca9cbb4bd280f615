/*
 * renumber: fd_renumber (wasi-testsuite renumber, stdio, overwrite_preopen).
 *   - renumbering onto an open fd closes the target's old file first; the
 *     source number is closed afterwards; fdstat moves along
 *   - renumbering to or from an fd that is not open -> badf
 *   - renumbering an fd onto itself is a no-op
 *   - stdin can be renumbered onto a file fd (fd 0 then closed), and a file
 *     can be renumbered onto fd 0
 *   - a directory fd can be renumbered over the preopen (fd 3)
 */
#include "check.h"

int main(void) {
    MAKE_FILE(SANDBOX, "one", "one");
    MAKE_FILE(SANDBOX, "two", "two");
    __wasi_fd_t a = OPEN(SANDBOX, "one", 0, RW_RIGHTS, __WASI_FDFLAGS_APPEND);
    __wasi_fd_t b = OPEN(SANDBOX, "two", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
    CHECK(a > 3 && b > 3 && a != b);

    __wasi_fdstat_t fa, fb;
    CHECK_OK(__wasi_fd_fdstat_get(a, &fa));
    __wasi_filestat_t sa, sb;
    CHECK_OK(__wasi_fd_filestat_get(a, &sa));

    CHECK_OK(__wasi_fd_renumber(a, b));
    CHECK_ERR(__wasi_fd_close(a), __WASI_ERRNO_BADF);
    CHECK_OK(__wasi_fd_fdstat_get(b, &fb));
    CHECK_EQ(fb.fs_filetype, fa.fs_filetype);
    CHECK_EQ(fb.fs_flags, fa.fs_flags);
    CHECK_EQ(fb.fs_rights_base, fa.fs_rights_base);
    CHECK_EQ(fb.fs_rights_inheriting, fa.fs_rights_inheriting);
    CHECK_OK(__wasi_fd_filestat_get(b, &sb));
    CHECK_EQ(sb.ino, sa.ino);

    /* b now is "one": read it from the start */
    char buf[16] = {0};
    size_t n;
    __wasi_filesize_t pos;
    CHECK_OK(__wasi_fd_seek(b, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(read_full(b, buf, sizeof buf, &n));
    CHECK_EQ(n, 3);
    CHECK_MEM(buf, "one", 3);

    /* not-open fds */
    CHECK_ERR(__wasi_fd_renumber(b, 77), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_renumber(77, b), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_renumber(a, b), __WASI_ERRNO_BADF);
    CHECK_OK(__wasi_fd_fdstat_get(b, &fb)); /* b survived the failed calls */

    /* onto itself: no-op */
    CHECK_OK(__wasi_fd_renumber(b, b));
    CHECK_OK(__wasi_fd_fdstat_get(b, &fb));

    /* stdin onto a file fd: the file's fd now is stdin, fd 0 is closed */
    __wasi_fd_t t = OPEN(SANDBOX, "stdin-target", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_renumber(0, t));
    CHECK_OK(__wasi_fd_fdstat_get(t, &fb));
    CHECK_ERR(__wasi_fd_fdstat_get(0, &fb), __WASI_ERRNO_BADF);
    /* fd 0 is free now, so renumbering onto it is badf ... */
    CHECK_ERR(__wasi_fd_renumber(b, 0), __WASI_ERRNO_BADF);
    /* ... but a fresh open may reuse it or not; either way it works */
    __wasi_fd_t z = OPEN(SANDBOX, "two", 0, __WASI_RIGHTS_FD_READ, 0);
    memset(buf, 0, sizeof buf);
    CHECK_OK(read_full(z, buf, sizeof buf, &n));
    CHECK_MEM(buf, "two", 3);
    CHECK_OK(__wasi_fd_close(z));
    CHECK_OK(__wasi_fd_close(t));

    /* overwrite_preopen: renumber a directory fd over fd 3 */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "sub"));
    MAKE_FILE(SANDBOX, "sub/marker", "m");
    __wasi_fd_t d = OPEN_DIR(SANDBOX, "sub");
    __wasi_filestat_t sd, s3;
    CHECK_OK(__wasi_fd_filestat_get(d, &sd));
    CHECK_OK(__wasi_fd_renumber(d, SANDBOX));
    CHECK_OK(__wasi_fd_filestat_get(SANDBOX, &s3));
    CHECK_EQ(s3.dev, sd.dev);
    CHECK_EQ(s3.ino, sd.ino);
    CHECK_ERR(__wasi_fd_fdstat_get(d, &fb), __WASI_ERRNO_BADF);
    CHECK_EQ(path_type(SANDBOX, "marker"), __WASI_FILETYPE_REGULAR_FILE);
    CHECK_OK(__wasi_fd_close(b));
    return DONE("renumber");
}
