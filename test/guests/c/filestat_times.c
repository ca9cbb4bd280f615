/*
 * filestat_times: fd_filestat_get, path_filestat_get, fd_filestat_set_times,
 * path_filestat_set_times (wasi-testsuite fd_filestat_set, path_filestat,
 * fstflags_validate).
 *   - filetype / size / nlink / ino / dev of files and directories
 *   - SET of atim and mtim independently and together (exact values; the
 *     test values are whole or half seconds so they survive hosts that
 *     carry times as doubles), NOW within the realtime clock's window
 *   - SET together with NOW for the same field -> inval, nothing changes
 *   - fstflags 0 changes nothing; writing a file moves mtim forward
 */
#include "check.h"

#define SEC 1000000000ull
#define T1 (1400000000ull * SEC)
#define T2 (1500000000ull * SEC + SEC / 2)
#define SLACK (2 * SEC)

static __wasi_timestamp_t now(void) {
    __wasi_timestamp_t t = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t));
    return t;
}

int main(void) {
    __wasi_filestat_t st, st2;
    __wasi_timestamp_t before = now();
    __wasi_fd_t fd = OPEN(SANDBOX, "file", __WASI_OFLAGS_CREAT, RW_RIGHTS, 0);
    __wasi_timestamp_t after = now();

    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(st.size, 0);
    CHECK_EQ(st.nlink, 1);
    /* creation time is "now" (generous window for coarse host clocks) */
    CHECK(st.mtim + SLACK >= before && st.mtim <= after + SLACK);
    CHECK(st.ctim + SLACK >= before && st.ctim <= after + SLACK);
    CHECK(st.atim + SLACK >= before && st.atim <= after + SLACK);

    /* path and fd views agree */
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "file", &st2));
    CHECK_EQ(st2.ino, st.ino);
    CHECK_EQ(st2.dev, st.dev);
    CHECK_EQ(st2.filetype, st.filetype);
    CHECK_EQ(st2.mtim, st.mtim);

    /* a second file has another inode on the same device */
    MAKE_FILE(SANDBOX, "other", "12345");
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "other", &st2));
    CHECK(st2.ino != st.ino);
    CHECK_EQ(st2.dev, st.dev);
    CHECK_EQ(st2.size, 5);

    /* directories */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "dir"));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "dir", &st2));
    CHECK_EQ(st2.filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_fd_filestat_get(SANDBOX, &st2));
    CHECK_EQ(st2.filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, 0, "missing", &st2), __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, 0, "other/x", &st2), __WASI_ERRNO_NOTDIR);

    /* fd_filestat_set_times: atim only, mtim only, both */
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK_OK(__wasi_fd_filestat_set_times(fd, T1, 0, __WASI_FSTFLAGS_ATIM));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK_EQ(st2.atim, T1);
    CHECK_EQ(st2.mtim, st.mtim);
    CHECK_OK(__wasi_fd_filestat_set_times(fd, 0, T2, __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK_EQ(st2.atim, T1);
    CHECK_EQ(st2.mtim, T2);
    CHECK_OK(__wasi_fd_filestat_set_times(fd, T2, T1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK_EQ(st2.atim, T2);
    CHECK_EQ(st2.mtim, T1);

    /* no flags: nothing changes */
    CHECK_OK(__wasi_fd_filestat_set_times(fd, 5, 5, 0));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK_EQ(st2.atim, T2);
    CHECK_EQ(st2.mtim, T1);

    /* SET and NOW together -> inval, times untouched */
    CHECK_ERR(__wasi_fd_filestat_set_times(fd, 100, 200, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
              __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_fd_filestat_set_times(fd, 100, 200, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
              __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_fd_filestat_set_times(fd, 100, 200, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM |
                                                             __WASI_FSTFLAGS_MTIM_NOW),
              __WASI_ERRNO_INVAL);
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK_EQ(st2.atim, T2);
    CHECK_EQ(st2.mtim, T1);

    /* NOW */
    before = now();
    CHECK_OK(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    after = now();
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK(st2.mtim + SLACK >= before && st2.mtim <= after + SLACK);
    CHECK_EQ(st2.atim, T2);
    before = now();
    CHECK_OK(__wasi_fd_filestat_set_times(fd, 0, T1, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM));
    after = now();
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK(st2.atim + SLACK >= before && st2.atim <= after + SLACK);
    CHECK_EQ(st2.mtim, T1);

    /* writing moves mtim forward from the old T1 */
    size_t n;
    CHECK_OK(write_all(fd, "data", 4, &n));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st2));
    CHECK(st2.mtim > T1);
    CHECK_EQ(st2.size, 4);
    CHECK_OK(__wasi_fd_close(fd));

    /* path_filestat_set_times */
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, 0, "file", T1, T2,
                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "file", &st2));
    CHECK_EQ(st2.atim, T1);
    CHECK_EQ(st2.mtim, T2);
    CHECK_ERR(__wasi_path_filestat_set_times(SANDBOX, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
              __WASI_ERRNO_NOENT);

    /* directories have times too */
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, 0, "dir", 0, T2, __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "dir", &st2));
    CHECK_EQ(st2.mtim, T2);
    __wasi_fd_t d = OPEN_DIR(SANDBOX, "dir");
    CHECK_OK(__wasi_fd_filestat_set_times(d, 0, T1, __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_fd_filestat_get(d, &st2));
    CHECK_EQ(st2.mtim, T1);
    /* creating an entry updates the directory's mtim */
    MAKE_FILE(d, "child", "");
    CHECK_OK(__wasi_fd_filestat_get(d, &st2));
    CHECK(st2.mtim > T1);
    CHECK_OK(__wasi_fd_close(d));

    /* closed fd */
    CHECK_ERR(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_BADF);

    /* path_filestat_set_times with SET and NOW together -> inval, times
     * untouched. Done last, each on its own directory fd and verified
     * through file fds: node:wasi (uvwasi) leaves the directory fd locked
     * after this error, so any later call on that fd would hang there. */
    MAKE_FILE(SANDBOX, "dir/f2", "");
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, 0, "dir/f2", T1, T2,
                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_fd_t f1 = OPEN(SANDBOX, "file", 0, __WASI_RIGHTS_FD_FILESTAT_GET, 0);
    __wasi_fd_t f2 = OPEN(SANDBOX, "dir/f2", 0, __WASI_RIGHTS_FD_FILESTAT_GET, 0);
    __wasi_fd_t d2 = OPEN_DIR(SANDBOX, "dir");
    CHECK_ERR(__wasi_path_filestat_set_times(SANDBOX, 0, "file", 0, T1,
                                             __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
              __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_path_filestat_set_times(d2, 0, "f2", 0, 0,
                                             __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
              __WASI_ERRNO_INVAL);
    CHECK_OK(__wasi_fd_filestat_get(f1, &st2));
    CHECK_EQ(st2.atim, T1);
    CHECK_EQ(st2.mtim, T2);
    CHECK_OK(__wasi_fd_filestat_get(f2, &st2));
    CHECK_EQ(st2.atim, T1);
    CHECK_EQ(st2.mtim, T2);
    return DONE("filestat_times");
}
