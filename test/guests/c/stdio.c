/*
 * stdio: fds 0, 1, 2 (run with stdin "hello\n").
 *   - stdin is read to EOF with raw fd_read and echoed as "stdin: hello"
 *   - gather writes to stdout, libc printf/fputs on stdout and stderr
 *   - fdstat rights: stdin can read, stdout/stderr can write
 *   - stdio is not seekable: seek/tell/pread/pwrite -> spipe (wasmtime;
 *     badf / notcapable also accepted); reading stdout or writing stdin ->
 *     badf or notcapable
 * Expected stdout: "stdin: hello\nabc\nprintf 42\nok stdio\n".
 */
#include "check.h"

#define NOT_STREAM __WASI_ERRNO_SPIPE, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE

int main(void) {
    char in[256];
    size_t total = 0, n = 0;
    /* read stdin in small pieces until EOF */
    for (;;) {
        n = 0;
        if (CHECK_OK(read_buf(0, in + total, 4, &n)) || n == 0) break;
        total += n;
        if (total > sizeof in - 8) break;
    }
    in[total] = 0;
    CHECK_EQ(total, 6);
    CHECK_STR(in, "hello\n");
    n = 99;
    CHECK_OK(read_buf(0, in, sizeof in, &n)); /* still EOF */
    CHECK_EQ(n, 0);

    /* echo it back with a gather write */
    __wasi_ciovec_t v[2] = {{(const uint8_t *)"stdin: ", 7}, {(const uint8_t *)in, total}};
    CHECK_OK(writev_full(1, v, 2, &n));
    CHECK_EQ(n, 7 + total);
    __wasi_ciovec_t abc[4] = {{(const uint8_t *)"a", 1}, {(const uint8_t *)"", 0},
                              {(const uint8_t *)"b", 1}, {(const uint8_t *)"c\n", 2}};
    CHECK_OK(writev_full(1, abc, 4, &n));
    CHECK_EQ(n, 4);
    printf("printf %d\n", 42);
    fflush(stdout);
    fputs("this line goes to stderr\n", stderr);
    CHECK_OK(write_all(2, "raw stderr\n", 11, &n));

    /* rights */
    __wasi_fdstat_t fs;
    CHECK_OK(__wasi_fd_fdstat_get(0, &fs));
    CHECK(fs.fs_rights_base & __WASI_RIGHTS_FD_READ);
    CHECK_OK(__wasi_fd_fdstat_get(1, &fs));
    CHECK(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
    CHECK_OK(__wasi_fd_fdstat_get(2, &fs));
    CHECK(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(1, &st));

    /* not seekable, not the wrong direction */
    __wasi_filesize_t pos;
    CHECK_ERR(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos), NOT_STREAM);
    CHECK_ERR(__wasi_fd_seek(0, 0, __WASI_WHENCE_SET, &pos), NOT_STREAM);
    CHECK_ERR(__wasi_fd_tell(1, &pos), NOT_STREAM);
    CHECK_ERR(__wasi_fd_pwrite(1, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, 0, &n), NOT_STREAM);
    CHECK_ERR(__wasi_fd_pread(0, &(__wasi_iovec_t){(uint8_t *)in, 1}, 1, 0, &n), NOT_STREAM);
    CHECK_ERR(read_buf(1, in, 1, &n), __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(write_buf(0, "x", 1, &n), __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
    return DONE("stdio");
}
