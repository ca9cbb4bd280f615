/*
 * fd_dir_ops: file-only operations on directory fds fail, and directory
 * operations on file fds fail (wasi-testsuite dir_fd_op_failures,
 * directory_seek, path_open_dirfd_not_dir). The accepted errno sets are the
 * suite's: read/write/seek/tell/allocate on a directory -> isdir, badf or
 * notcapable; set_size on a directory additionally inval.
 */
#include "check.h"

#define DIR_ERRS __WASI_ERRNO_ISDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE

static void dir_ops(__wasi_fd_t d) {
    __wasi_filestat_t st;
    CHECK_OK(__wasi_fd_filestat_get(d, &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_DIRECTORY);

    uint8_t buf[128] = {0};
    size_t n;
    __wasi_filesize_t pos;
    CHECK_ERR(read_buf(d, buf, sizeof buf, &n), DIR_ERRS);
    CHECK_ERR(__wasi_fd_pread(d, &(__wasi_iovec_t){buf, sizeof buf}, 1, 0, &n), DIR_ERRS);
    CHECK_ERR(write_buf(d, buf, sizeof buf, &n), DIR_ERRS);
    CHECK_ERR(__wasi_fd_pwrite(d, &(__wasi_ciovec_t){buf, sizeof buf}, 1, 0, &n), DIR_ERRS);
    CHECK_ERR(__wasi_fd_seek(d, 0, __WASI_WHENCE_CUR, &pos), DIR_ERRS);
    CHECK_ERR(__wasi_fd_seek(d, 0, __WASI_WHENCE_SET, &pos), DIR_ERRS);
    CHECK_ERR(__wasi_fd_seek(d, 0, __WASI_WHENCE_END, &pos), DIR_ERRS);
    CHECK_ERR(__wasi_fd_tell(d, &pos), DIR_ERRS);
    CHECK_ERR(__wasi_fd_allocate(d, 0, 1), DIR_ERRS);
    CHECK_ERR(__wasi_fd_filestat_set_size(d, 0), DIR_ERRS, __WASI_ERRNO_INVAL);
}

int main(void) {
    /* on the preopen itself and on a directory opened from it */
    dir_ops(SANDBOX);
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "sub"));
    __wasi_fd_t d = OPEN_DIR(SANDBOX, "sub");
    dir_ops(d);
    CHECK_OK(__wasi_fd_close(d));

    /* directory_seek: asking for FD_SEEK on a directory still opens it, but
     * the fd does not get the right and seeking fails */
    __wasi_fd_t ds = (__wasi_fd_t)-1;
    CHECK_OK(__wasi_path_open(SANDBOX, 0, "sub", __WASI_OFLAGS_DIRECTORY,
                              __WASI_RIGHTS_FD_SEEK, 0, 0, &ds));
    __wasi_filesize_t pos;
    CHECK_ERR(__wasi_fd_seek(ds, 0, __WASI_WHENCE_CUR, &pos), DIR_ERRS);
    __wasi_fdstat_t fs;
    CHECK_OK(__wasi_fd_fdstat_get(ds, &fs));
    CHECK_EQ(fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK, 0);
    CHECK_OK(__wasi_fd_close(ds));

    /* a regular file used where a directory fd is needed */
    __wasi_fd_t f = OPEN(SANDBOX, "file", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    __wasi_fd_t out = (__wasi_fd_t)-1;
    CHECK_ERR(__wasi_path_open(f, 0, "foo", __WASI_OFLAGS_CREAT, 0, 0, 0, &out),
              __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_open(f, 0, ".", 0, 0, 0, 0, &out), __WASI_ERRNO_NOTDIR);
#define NOT_A_DIR __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE
    CHECK_ERR(__wasi_path_create_directory(f, "d"), NOT_A_DIR);
    __wasi_filestat_t st;
    CHECK_ERR(__wasi_path_filestat_get(f, 0, "x", &st), NOT_A_DIR);
    CHECK_ERR(__wasi_path_unlink_file(f, "x"), NOT_A_DIR);
    CHECK_ERR(__wasi_path_remove_directory(f, "x"), NOT_A_DIR);
    CHECK_ERR(__wasi_path_symlink("a", f, "x"), NOT_A_DIR);
    uint8_t buf[64];
    size_t used;
    CHECK_ERR(__wasi_fd_readdir(f, buf, sizeof buf, 0, &used), NOT_A_DIR);
    CHECK_OK(__wasi_fd_close(f));

    /* and nothing named "foo" was created anywhere */
    CHECK_EQ(path_type(SANDBOX, "foo"), 255);
    CHECK_EQ(path_type(SANDBOX, "file/foo"), 255);

    /* path operations on a closed or never-opened fd */
    CHECK_ERR(__wasi_path_open(f, 0, "foo", __WASI_OFLAGS_CREAT, 0, 0, 0, &out), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_path_create_directory(77, "d"), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_path_filestat_get(77, 0, "x", &st), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_readdir(77, buf, sizeof buf, 0, &used), __WASI_ERRNO_BADF);
    return DONE("fd_dir_ops");
}
