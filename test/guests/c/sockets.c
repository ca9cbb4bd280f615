/*
 * sockets: sock_accept / sock_recv / sock_send / sock_shutdown on fds that
 * are not sockets -> notsock; on fds that are not open -> badf.
 * (No sockets can be created through preview1, so only error paths exist.)
 */
#include "check.h"

static void not_socket(__wasi_fd_t fd) {
    uint8_t buf[8] = "data";
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_ciovec_t ciov = {buf, 4};
    size_t n = 0;
    __wasi_roflags_t ro = 0;
    __wasi_fd_t nfd = 0;
    CHECK_ERR(__wasi_sock_recv(fd, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR(__wasi_sock_send(fd, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR(__wasi_sock_accept(fd, 0, &nfd), __WASI_ERRNO_NOTSOCK);
}

static void not_open(__wasi_fd_t fd) {
    uint8_t buf[8];
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_ciovec_t ciov = {buf, 4};
    size_t n = 0;
    __wasi_roflags_t ro = 0;
    __wasi_fd_t nfd = 0;
    CHECK_ERR(__wasi_sock_recv(fd, &iov, 1, 0, &n, &ro), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_sock_send(fd, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_sock_accept(fd, 0, &nfd), __WASI_ERRNO_BADF);
}

int main(void) {
    __wasi_fd_t f = OPEN(SANDBOX, "file", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    check_ctx = "regular file";
    not_socket(f);
    check_ctx = "directory";
    not_socket(SANDBOX);
    CHECK_OK(__wasi_fd_close(f));
    check_ctx = "closed fd";
    not_open(f);
    check_ctx = "never opened fd";
    not_open(4242);
    check_ctx = NULL;
    /* the file was not written to by sock_send */
    __wasi_filestat_t st;
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "file", &st));
    CHECK_EQ(st.size, 0);
    return DONE("sockets");
}
