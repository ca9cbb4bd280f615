/*
 * path_open: opening and creating files and directories.
 *   - missing -> noent; O_CREAT creates; O_CREAT|O_EXCL on anything that
 *     exists -> exist; O_DIRECTORY on a file -> notdir; O_TRUNC truncates
 *   - "." and paths with ".", "..", repeated and trailing slashes
 *     (wasi-testsuite interesting_paths); a trailing slash on a file ->
 *     notdir (suite also accepts noent)
 *   - a file used as an intermediate path component -> notdir
 *   - rights decide what the fd can do (path_open_read_write), and a
 *     directory cannot be opened with FD_READ|FD_WRITE base rights
 *     (path_open_preopen); FDFLAGS_NONBLOCK on a directory is fine
 */
#include "check.h"

int main(void) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    __wasi_filestat_t st;
    __wasi_fdstat_t fs;
    char buf[128];
    size_t n;

    /* missing */
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "file", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "nodir/file", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd),
              __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "nodir", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
              __WASI_ERRNO_NOENT);

    /* O_CREAT */
    fd = OPEN(SANDBOX, "file", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    CHECK(fd > 3);
    CHECK_OK(write_all(fd, "content", 7, &n));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_EQ(path_type(SANDBOX, "file"), __WASI_FILETYPE_REGULAR_FILE);

    /* O_CREAT on an existing file opens it without truncating */
    fd = OPEN(SANDBOX, "file", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 7);
    CHECK_OK(__wasi_fd_close(fd));

    /* O_EXCL */
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                               0, 0, 0, &fd), __WASI_ERRNO_EXIST);
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "dir"));
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "dir", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                               0, 0, 0, &fd), __WASI_ERRNO_EXIST);
    fd = OPEN(SANDBOX, "excl", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_EQ(path_type(SANDBOX, "excl"), __WASI_FILETYPE_REGULAR_FILE);

    /* O_DIRECTORY */
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "file", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
              __WASI_ERRNO_NOTDIR);
    fd = OPEN_DIR(SANDBOX, "dir");
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK_EQ(fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_fd_close(fd));
    /* a directory opened without O_DIRECTORY is still a directory */
    fd = OPEN(SANDBOX, "dir", 0, __WASI_RIGHTS_FD_FILESTAT_GET, 0);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_fd_close(fd));

    /* O_TRUNC (wasi-testsuite file_truncation) */
    fd = OPEN(SANDBOX, "file", __WASI_OFLAGS_TRUNC, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 0);
    n = 99;
    CHECK_OK(read_buf(fd, buf, sizeof buf, &n));
    CHECK_EQ(n, 0);
    CHECK_OK(write_all(fd, "again", 5, &n));
    CHECK_OK(__wasi_fd_close(fd));
    fd = OPEN(SANDBOX, "file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW_RIGHTS, 0);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.size, 0);
    CHECK_OK(__wasi_fd_close(fd));
    MAKE_FILE(SANDBOX, "file", "content");

    /* "." is the directory itself */
    __wasi_filestat_t root, dot;
    CHECK_OK(__wasi_fd_filestat_get(SANDBOX, &root));
    fd = OPEN_DIR(SANDBOX, ".");
    CHECK_OK(__wasi_fd_filestat_get(fd, &dot));
    CHECK_EQ(dot.ino, root.ino);
    CHECK_EQ(dot.filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_fd_close(fd));
    fd = OPEN_DIR(SANDBOX, "dir/..");
    CHECK_OK(__wasi_fd_filestat_get(fd, &dot));
    CHECK_EQ(dot.ino, root.ino);
    CHECK_OK(__wasi_fd_close(fd));

    /* interesting_paths */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "dir/nested"));
    MAKE_FILE(SANDBOX, "dir/nested/file", "nested");
    fd = OPEN(SANDBOX, "dir/.//nested/../../dir/nested/../nested///./file", 0,
              __WASI_RIGHTS_FD_READ, 0);
    memset(buf, 0, sizeof buf);
    CHECK_OK(read_full(fd, buf, sizeof buf, &n));
    CHECK_STR(buf, "nested");
    CHECK_OK(__wasi_fd_close(fd));
    fd = OPEN(SANDBOX, "./file", 0, __WASI_RIGHTS_FD_READ, 0);
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "dir/nested/file/", 0, 0, 0, 0, &fd),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "dir/nested/file///", 0, 0, 0, 0, &fd),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
    fd = OPEN(SANDBOX, "dir/nested/", 0, 0, 0);
    CHECK_OK(__wasi_fd_close(fd));
    fd = OPEN(SANDBOX, "dir/nested///", 0, 0, 0);
    CHECK_OK(__wasi_fd_close(fd));

    /* a regular file in the middle of a path */
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "file/x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "file/x", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd),
              __WASI_ERRNO_NOTDIR);

    /* rights decide what an fd can do (path_open_read_write) */
    __wasi_fd_t ro = OPEN(SANDBOX, "file", 0, __WASI_RIGHTS_FD_READ, 0);
    CHECK_OK(__wasi_fd_fdstat_get(ro, &fs));
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_READ, __WASI_RIGHTS_FD_READ);
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE, 0);
    memset(buf, 0, sizeof buf);
    CHECK_OK(read_full(ro, buf, sizeof buf, &n));
    CHECK_STR(buf, "content");
    CHECK_ERR(write_buf(ro, "x", 1, &n), __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE,
              __WASI_ERRNO_ACCES, __WASI_ERRNO_PERM);
    CHECK_OK(__wasi_fd_close(ro));

    __wasi_fd_t wo = OPEN(SANDBOX, "file", 0, __WASI_RIGHTS_FD_WRITE, 0);
    CHECK_OK(__wasi_fd_fdstat_get(wo, &fs));
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_READ, 0);
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_READDIR, 0);
    CHECK_EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE, __WASI_RIGHTS_FD_WRITE);
    CHECK_ERR(read_buf(wo, buf, sizeof buf, &n), __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE,
              __WASI_ERRNO_ACCES, __WASI_ERRNO_PERM);
    CHECK_OK(write_all(wo, "CON", 3, &n)); /* overwrites from offset 0 */
    CHECK_OK(__wasi_fd_close(wo));
    CHECK_EQ(slurp(SANDBOX, "file", buf, sizeof buf), 7);
    CHECK_STR(buf, "CONtent");

    __wasi_fd_t rw = OPEN(SANDBOX, "file", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                                  __WASI_RIGHTS_FD_FILESTAT_GET, 0);
    CHECK_OK(__wasi_fd_fdstat_get(rw, &fs));
    CHECK_EQ(fs.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE),
             __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE);
    CHECK_OK(read_full(rw, buf, 3, &n));
    CHECK_OK(write_all(rw, "TENT!", 5, &n));
    CHECK_OK(__wasi_fd_filestat_get(rw, &st));
    CHECK_EQ(st.size, 8);
    CHECK_OK(__wasi_fd_close(rw));
    CHECK_EQ(slurp(SANDBOX, "file", buf, sizeof buf), 8);
    CHECK_STR(buf, "CONTENT!");

    /* path_open_preopen: the various ways of reopening the preopen */
    CHECK_OK(__wasi_fd_fdstat_get(SANDBOX, &fs));
    CHECK_OK(__wasi_path_open(SANDBOX, 0, ".", 0, fs.fs_rights_base, fs.fs_rights_inheriting,
                              0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_path_open(SANDBOX, 0, ".", 0, 0, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_path_open(SANDBOX, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_path_open(SANDBOX, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ,
                              0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, ".", __WASI_OFLAGS_DIRECTORY,
                               __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
              __WASI_ERRNO_ISDIR);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "dir", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
              __WASI_ERRNO_ISDIR);

    /* path_open_nonblock */
    CHECK_OK(__wasi_path_open(SANDBOX, 0, ".", 0, 0, 0, __WASI_FDFLAGS_NONBLOCK, &fd));
    CHECK_OK(__wasi_fd_close(fd));

    /* bad dirfds */
    CHECK_ERR(__wasi_path_open(99, 0, "file", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
    return DONE("path_open");
}
