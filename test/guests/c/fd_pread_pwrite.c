/*
 * fd_pread_pwrite: positional I/O.
 *   - pread/pwrite never move the file position
 *   - several iovecs, reads past EOF, zero-length pwrite past EOF (no growth)
 *   - pwrite past EOF grows the file with a zero-filled hole
 *   - on an fd opened with APPEND, pwrite ignores the offset and appends
 *     (Linux pwrite(2) semantics, which wasmtime implements)
 *   - missing rights / closed fds
 */
#include "check.h"

int main(void) {
    __wasi_fd_t fd = OPEN(SANDBOX, "p.bin", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    __wasi_filesize_t pos = 99;
    size_t n = 0;

    CHECK_OK(__wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"\0\1\2\3", 4}, 1, 0, &n));
    CHECK_EQ(n, 4);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 0);

    uint8_t buf[16];
    memset(buf, 0xEE, sizeof buf);
    n = 0;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, 4}, 1, 0, &n));
    CHECK_EQ(n, 4);
    CHECK_MEM(buf, "\0\1\2\3", 4);
    CHECK_EQ(buf[4], 0xEE);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 0);

    /* pread from the middle with a buffer longer than what is left */
    memset(buf, 0xEE, sizeof buf);
    n = 0;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, 4}, 1, 2, &n));
    CHECK_EQ(n, 2);
    CHECK_MEM(buf, "\2\3\xEE\xEE", 4);

    /* pread at and beyond EOF returns 0 */
    n = 99;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, 4}, 1, 4, &n));
    CHECK_EQ(n, 0);
    n = 99;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, 4}, 1, 1000, &n));
    CHECK_EQ(n, 0);

    /* overwrite in the middle; normal reads see it */
    CHECK_OK(__wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"\1\0", 2}, 1, 2, &n));
    CHECK_EQ(n, 2);
    n = 0;
    CHECK_OK(read_full(fd, buf, sizeof buf, &n));
    CHECK_EQ(n, 4);
    CHECK_MEM(buf, "\0\1\1\0", 4);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 4);

    /* pread with two iovecs (a runtime may fill only the first: loop) */
    {
        uint8_t x[2] = {0xEE, 0xEE}, y[2] = {0xEE, 0xEE};
        __wasi_iovec_t v[2] = {{x, 2}, {y, 2}};
        n = 0;
        CHECK_OK(__wasi_fd_pread(fd, v, 2, 0, &n));
        CHECK(n == 2 || n == 4);
        CHECK_MEM(x, "\0\1", 2);
        if (n == 2) {
            CHECK_OK(__wasi_fd_pread(fd, &v[1], 1, 2, &n));
            CHECK_EQ(n, 2);
        }
        CHECK_MEM(y, "\1\0", 2);
    }
    /* pwrite with two iovecs at offset 1 */
    {
        __wasi_ciovec_t v[2] = {{(const uint8_t *)"AB", 2}, {(const uint8_t *)"CD", 2}};
        n = 0;
        CHECK_OK(__wasi_fd_pwrite(fd, v, 2, 1, &n));
        CHECK(n == 2 || n == 4);
        if (n == 2) {
            CHECK_OK(__wasi_fd_pwrite(fd, &v[1], 1, 3, &n));
            CHECK_EQ(n, 2);
        }
        n = 0;
        CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, sizeof buf}, 1, 0, &n));
        CHECK_EQ(n, 5);
        CHECK_MEM(buf, "\0ABCD", 5);
        CHECK_OK(__wasi_fd_tell(fd, &pos));
        CHECK_EQ(pos, 4);
    }
    CHECK_OK(__wasi_fd_close(fd));

    /* zero-length pwrite beyond EOF writes nothing and does not grow */
    fd = OPEN(SANDBOX, "p2.bin", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    n = 99;
    CHECK_OK(__wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"", 0}, 1, 50, &n));
    CHECK_EQ(n, 0);
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 0);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 0);

    /* one byte at 50: size 51, bytes 0..49 are zero, position unchanged */
    CHECK_OK(__wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"!", 1}, 1, 50, &n));
    CHECK_EQ(n, 1);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 51);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 0);
    {
        uint8_t all[64];
        n = 0;
        CHECK_OK(read_full(fd, all, sizeof all, &n));
        CHECK_EQ(n, 51);
        int zeros = 1;
        for (int i = 0; i < 50; i++) zeros &= all[i] == 0;
        CHECK(zeros);
        CHECK_EQ(all[50], '!');
    }
    CHECK_OK(__wasi_fd_close(fd));

    /* APPEND: the offset given to pwrite is ignored, data goes to the end */
    fd = OPEN(SANDBOX, "p3.bin", __WASI_OFLAGS_CREAT, RW_RIGHTS, __WASI_FDFLAGS_APPEND);
    CHECK_OK(__wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"a", 1}, 1, 50, &n));
    CHECK_EQ(n, 1);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 1);
    CHECK_OK(__wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"b", 1}, 1, 0, &n));
    CHECK_EQ(n, 1);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 2);
    n = 0;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, sizeof buf}, 1, 0, &n));
    CHECK_EQ(n, 2);
    CHECK_MEM(buf, "ab", 2);
    CHECK_OK(__wasi_fd_close(fd));

    /* rights: pread needs FD_READ, pwrite needs FD_WRITE (each also needs
     * FD_SEEK per the witx rights docs, which both fds have here) */
    __wasi_fd_t ro = OPEN(SANDBOX, "p.bin", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
    __wasi_fd_t wo = OPEN(SANDBOX, "p.bin", 0, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0);
    CHECK_ERR(__wasi_fd_pwrite(ro, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, 0, &n),
              __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ACCES, __WASI_ERRNO_PERM);
    CHECK_ERR(__wasi_fd_pread(wo, &(__wasi_iovec_t){buf, 1}, 1, 0, &n),
              __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ACCES, __WASI_ERRNO_PERM);
    n = 0;
    CHECK_OK(__wasi_fd_pread(ro, &(__wasi_iovec_t){buf, 1}, 1, 1, &n));
    CHECK_EQ(n, 1);
    CHECK_EQ(buf[0], 'A');
    CHECK_OK(__wasi_fd_close(ro));
    CHECK_OK(__wasi_fd_close(wo));

    /* closed fd */
    CHECK_ERR(__wasi_fd_pread(ro, &(__wasi_iovec_t){buf, 1}, 1, 0, &n), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_pwrite(ro, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, 0, &n),
              __WASI_ERRNO_BADF);
    return DONE("fd_pread_pwrite");
}
