/*
 * fd_rw: fd_write / fd_read / fd_seek / fd_tell / fd_close on a regular file.
 *   - scatter/gather with several iovecs, zero-length iovecs, EOF reads
 *   - seek SET/CUR/END, past EOF (allowed), before 0 (inval), bad whence
 *   - writing after a seek past EOF leaves a zero-filled hole
 *   - close twice -> badf, using a closed fd -> badf
 */
#include "check.h"

int main(void) {
    __wasi_fd_t fd = OPEN(SANDBOX, "data.bin", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);

    /* fresh file: position 0, size 0, reading gives EOF */
    __wasi_filesize_t pos = 99;
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 0);
    char rbuf[64];
    size_t n = 99;
    CHECK_OK(read_buf(fd, rbuf, sizeof rbuf, &n));
    CHECK_EQ(n, 0);

    /* gather write with three iovecs, one of them empty. A runtime may
     * write a prefix only (wasmtime writes the first non-empty iovec per
     * call), so writev_full loops; the read-back below checks the bytes. */
    __wasi_ciovec_t wv[3] = {
        {.buf = (const uint8_t *)"hello", .buf_len = 5},
        {.buf = (const uint8_t *)"", .buf_len = 0},
        {.buf = (const uint8_t *)", world", .buf_len = 7},
    };
    n = 99;
    CHECK_OK(__wasi_fd_write(fd, wv, 3, &n));
    CHECK(n >= 5 && n <= 12); /* at least the first non-empty iovec */
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    n = 0;
    CHECK_OK(writev_full(fd, wv, 3, &n));
    CHECK_EQ(n, 12);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 12);

    /* zero iovecs and a zero-length iovec both write nothing */
    n = 99;
    CHECK_OK(__wasi_fd_write(fd, wv, 0, &n));
    CHECK_EQ(n, 0);
    n = 99;
    CHECK_OK(__wasi_fd_write(fd, &wv[1], 1, &n));
    CHECK_EQ(n, 0);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 12);

    /* at EOF now; zero-length reads also return 0 */
    n = 99;
    CHECK_OK(read_buf(fd, rbuf, sizeof rbuf, &n));
    CHECK_EQ(n, 0);
    n = 99;
    CHECK_OK(__wasi_fd_read(fd, NULL, 0, &n));
    CHECK_EQ(n, 0);

    /* seek SET and scatter read into 3 iovecs (5 + 0 + 3); the byte after
     * the empty iovec's buffer is untouched */
    __wasi_filesize_t newpos = 99;
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &newpos));
    CHECK_EQ(newpos, 0);
    char a[5], b[1] = {'#'}, c[3];
    __wasi_iovec_t rv[3] = {
        {.buf = (uint8_t *)a, .buf_len = sizeof a},
        {.buf = (uint8_t *)b, .buf_len = 0},
        {.buf = (uint8_t *)c, .buf_len = sizeof c},
    };
    n = 0;
    CHECK_OK(readv_full(fd, rv, 3, &n));
    CHECK_EQ(n, 8);
    CHECK_MEM(a, "hello", 5);
    CHECK_MEM(c, ", w", 3);
    CHECK_EQ(b[0], '#');
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 8);

    /* a read longer than what is left returns the short count */
    n = 0;
    CHECK_OK(read_buf(fd, rbuf, sizeof rbuf, &n));
    CHECK_EQ(n, 4);
    CHECK_MEM(rbuf, "orld", 4);

    /* seek CUR backwards, END with negative and zero offsets */
    CHECK_OK(__wasi_fd_seek(fd, -5, __WASI_WHENCE_CUR, &newpos));
    CHECK_EQ(newpos, 7);
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &newpos));
    CHECK_EQ(newpos, 7);
    CHECK_OK(__wasi_fd_seek(fd, -3, __WASI_WHENCE_END, &newpos));
    CHECK_EQ(newpos, 9);
    n = 0;
    CHECK_OK(read_buf(fd, rbuf, sizeof rbuf, &n));
    CHECK_EQ(n, 3);
    CHECK_MEM(rbuf, "rld", 3);
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &newpos));
    CHECK_EQ(newpos, 12);

    /* seeking before byte 0 is inval and leaves the position alone */
    CHECK_OK(__wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &newpos));
    CHECK_ERR(__wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &newpos), __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_fd_seek(fd, -5, __WASI_WHENCE_CUR, &newpos), __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_fd_seek(fd, -13, __WASI_WHENCE_END, &newpos), __WASI_ERRNO_INVAL);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 4);

    /* (an unknown whence value is covered by wat/bad_enums.wat) */

    /* seeking past EOF is fine; writing there leaves a zero-filled hole */
    CHECK_OK(__wasi_fd_seek(fd, 1000, __WASI_WHENCE_CUR, &newpos));
    CHECK_EQ(newpos, 1004);
    n = 0;
    CHECK_OK(read_buf(fd, rbuf, sizeof rbuf, &n));
    CHECK_EQ(n, 0);
    CHECK_OK(__wasi_fd_seek(fd, 20, __WASI_WHENCE_SET, &newpos));
    CHECK_OK(write_buf(fd, "Z", 1, &n));
    CHECK_EQ(n, 1);
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 21);
    CHECK_OK(__wasi_fd_seek(fd, 10, __WASI_WHENCE_SET, &newpos));
    n = 0;
    CHECK_OK(read_full(fd, rbuf, sizeof rbuf, &n));
    CHECK_EQ(n, 11);
    CHECK_MEM(rbuf, "ld\0\0\0\0\0\0\0\0Z", 11);

    /* overwrite in the middle */
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &newpos));
    CHECK_OK(write_buf(fd, "J", 1, &n));
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &newpos));
    CHECK_OK(read_full(fd, rbuf, 5, &n));
    CHECK_EQ(n, 5);
    CHECK_MEM(rbuf, "Jello", 5);

    /* a larger write/read round trip (64 KiB, through 16 iovecs) */
    static uint8_t big[65536], back[65536];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7 + 3);
    __wasi_ciovec_t bv[16];
    for (int i = 0; i < 16; i++) {
        bv[i].buf = big + i * 4096;
        bv[i].buf_len = 4096;
    }
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &newpos));
    n = 0;
    CHECK_OK(writev_full(fd, bv, 16, &n));
    CHECK_EQ(n, sizeof big);
    CHECK_OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &newpos));
    size_t total = 0;
    CHECK_OK(read_full(fd, back, sizeof back, &total));
    CHECK_EQ(total, sizeof back);
    CHECK_MEM(back, big, sizeof big);

    /* close, then everything on that fd is badf */
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_ERR(__wasi_fd_close(fd), __WASI_ERRNO_BADF);
    CHECK_ERR(read_buf(fd, rbuf, 1, &n), __WASI_ERRNO_BADF);
    CHECK_ERR(write_buf(fd, "x", 1, &n), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &newpos), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_tell(fd, &pos), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_close(1234), __WASI_ERRNO_BADF);
    CHECK_ERR(read_buf(0x7FFFFFFFu, rbuf, 1, &n), __WASI_ERRNO_BADF);

    /* content persisted */
    static char whole[70000];
    CHECK_EQ(slurp(SANDBOX, "data.bin", whole, sizeof whole), sizeof big);
    return DONE("fd_rw");
}
