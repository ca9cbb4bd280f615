/*
 * fd_flags: fd_fdstat_get / fd_fdstat_set_flags on regular files.
 *   - a file opened with APPEND reports it; writes go to the end even after
 *     seeking to 0, and the position ends at the new end of file
 *   - clearing APPEND with set_flags(0) makes writes positional again
 *   - set_flags(APPEND) on a file opened without it turns appending on
 *   (mirrors wasi-testsuite fd_flags_set / path_filestat's APPEND check)
 */
#include "check.h"

int main(void) {
    __wasi_fdstat_t fs;
    size_t n;
    __wasi_filesize_t pos;
    uint8_t buf[300];

    __wasi_fd_t fd = OPEN(SANDBOX, "f.txt", __WASI_OFLAGS_CREAT, RW_RIGHTS, __WASI_FDFLAGS_APPEND);
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK_EQ(fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(fs.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);

    static uint8_t zeros[100], ones[100], twos[100];
    memset(ones, 1, 100);
    memset(twos, 2, 100);
    CHECK_OK(write_all(fd, zeros, 100, &n));
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(read_full(fd, buf, 100, &n));
    CHECK_EQ(n, 100);
    CHECK_MEM(buf, zeros, 100);

    /* seek to 0 then write: still appended */
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(write_all(fd, ones, 100, &n));
    CHECK_EQ(n, 100);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 200);
    CHECK_OK(__wasi_fd_seek(fd, 100, __WASI_WHENCE_SET, &pos));
    CHECK_OK(read_full(fd, buf, 100, &n));
    CHECK_EQ(n, 100);
    CHECK_MEM(buf, ones, 100);

    /* clear APPEND: a write at 0 overwrites */
    CHECK_OK(__wasi_fd_fdstat_set_flags(fd, 0));
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK_EQ(fs.fs_flags & __WASI_FDFLAGS_APPEND, 0);
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(write_all(fd, twos, 100, &n));
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 100);
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CHECK_OK(read_full(fd, buf, 100, &n));
    CHECK_MEM(buf, twos, 100);
    CHECK_OK(__wasi_fd_close(fd));

    __wasi_filestat_t st;
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "f.txt", &st));
    CHECK_EQ(st.size, 200);

    /* open without APPEND, then turn it on with set_flags */
    fd = OPEN(SANDBOX, "f.txt", 0, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK_EQ(fs.fs_flags & __WASI_FDFLAGS_APPEND, 0);
    CHECK_OK(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK_EQ(fs.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
    CHECK_OK(write_all(fd, "END", 3, &n));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 203);
    n = 0;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, 3}, 1, 200, &n));
    CHECK_MEM(buf, "END", 3);
    CHECK_OK(__wasi_fd_close(fd));

    /* path_open with APPEND|SYNC: either both flags are reported, or SYNC
     * is refused with notsup and APPEND alone works (wasi-testsuite
     * path_filestat) */
    unsigned e = __wasi_path_open(SANDBOX, 0, "sync.txt", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0,
                                  __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_SYNC, &fd);
    CHECK_ERR(e, __WASI_ERRNO_SUCCESS, __WASI_ERRNO_NOTSUP);
    if (e == 0) {
        CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
        CHECK_EQ(fs.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
        CHECK_EQ(fs.fs_flags & __WASI_FDFLAGS_SYNC, __WASI_FDFLAGS_SYNC);
        CHECK_OK(__wasi_fd_close(fd));
    } else {
        fd = OPEN(SANDBOX, "sync.txt", __WASI_OFLAGS_CREAT, RW_RIGHTS, __WASI_FDFLAGS_APPEND);
        CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
        CHECK_EQ(fs.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
        CHECK_OK(__wasi_fd_close(fd));
    }

    /* closed / unknown fds */
    CHECK_ERR(__wasi_fd_fdstat_get(fd, &fs), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_fdstat_set_flags(fd, 0), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_fdstat_get(4000, &fs), __WASI_ERRNO_BADF);
    return DONE("fd_flags");
}
