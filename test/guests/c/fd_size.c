/*
 * fd_size: fd_filestat_get, fd_filestat_set_size, fd_allocate, fd_advise,
 * fd_datasync, fd_sync on regular files.
 *   - growing with set_size zero-fills, shrinking drops data, growing again
 *     zero-fills (old bytes do not come back); the position is not moved
 *   - fd_allocate grows a file (zero-filled) and never shrinks it
 *   - all six advice values are accepted and change nothing
 */
#include "check.h"

static int all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

int main(void) {
    __wasi_fd_t fd = OPEN(SANDBOX, "s.bin", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(st.size, 0);
    CHECK_EQ(st.nlink, 1);

    size_t n;
    CHECK_OK(write_all(fd, "abcdefghij", 10, &n));
    __wasi_filesize_t pos;

    /* grow: 10 -> 100, the new 90 bytes are zero, position stays at 10 */
    CHECK_OK(__wasi_fd_filestat_set_size(fd, 100));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 100);
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 10);
    uint8_t buf[256];
    n = 0;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, sizeof buf}, 1, 0, &n));
    CHECK_EQ(n, 100);
    CHECK_MEM(buf, "abcdefghij", 10);
    CHECK(all_zero(buf + 10, 90));

    /* shrink to 4, then grow to 8: bytes 4..7 are zero, not "efgh" */
    CHECK_OK(__wasi_fd_filestat_set_size(fd, 4));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 4);
    CHECK_OK(__wasi_fd_filestat_set_size(fd, 8));
    n = 0;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, sizeof buf}, 1, 0, &n));
    CHECK_EQ(n, 8);
    CHECK_MEM(buf, "abcd\0\0\0\0", 8);

    /* the position (10) is now past EOF: reading gives 0, writing extends */
    n = 99;
    CHECK_OK(read_buf(fd, buf, sizeof buf, &n));
    CHECK_EQ(n, 0);
    CHECK_OK(write_all(fd, "Z", 1, &n));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 11);

    /* set_size to 0 empties the file */
    CHECK_OK(__wasi_fd_filestat_set_size(fd, 0));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 0);
    CHECK_OK(__wasi_fd_close(fd));

    /* fd_allocate (wasi-testsuite file_allocate / fd_advise) */
    fd = OPEN(SANDBOX, "a.bin", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_allocate(fd, 0, 100));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 100);
    CHECK_OK(__wasi_fd_allocate(fd, 10, 10)); /* inside: no change */
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 100);
    CHECK_OK(__wasi_fd_allocate(fd, 90, 20)); /* 90+20 > 100: grows to 110 */
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 110);
    n = 0;
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){buf, sizeof buf}, 1, 0, &n));
    CHECK_EQ(n, 110);
    CHECK(all_zero(buf, 110));
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK_EQ(pos, 0);

    /* fd_advise: every defined advice succeeds and changes nothing */
    for (unsigned adv = __WASI_ADVICE_NORMAL; adv <= __WASI_ADVICE_NOREUSE; adv++)
        CHECK_OK(__wasi_fd_advise(fd, 10, 50, (__wasi_advice_t)adv));
    CHECK_OK(__wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_SEQUENTIAL));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 110);
    /* (an unknown advice value is covered by wat/bad_enums.wat) */

    /* datasync / sync */
    CHECK_OK(write_all(fd, "sync", 4, &n));
    CHECK_OK(__wasi_fd_datasync(fd));
    CHECK_OK(__wasi_fd_sync(fd));
    CHECK_OK(__wasi_fd_close(fd));

    /* everything on a closed fd is badf */
    CHECK_ERR(__wasi_fd_filestat_get(fd, &st), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_filestat_set_size(fd, 1), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_allocate(fd, 0, 1), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_advise(fd, 0, 1, __WASI_ADVICE_NORMAL), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_datasync(fd), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_sync(fd), __WASI_ERRNO_BADF);

    /* the data reached the file */
    char content[8];
    n = 0;
    fd = OPEN(SANDBOX, "a.bin", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
    CHECK_OK(__wasi_fd_pread(fd, &(__wasi_iovec_t){(uint8_t *)content, 4}, 1, 0, &n));
    CHECK_EQ(n, 4);
    CHECK_MEM(content, "sync", 4);
    CHECK_OK(__wasi_fd_close(fd));
    return DONE("fd_size");
}
