/*
 * path_link: hard links (wasi-testsuite path_link).
 *   - a link shares the inode: same filestat (ino, size, times, nlink=2),
 *     writes through one name are visible through the other
 *   - links across directories
 *   - target exists (file, itself, directory, dangling symlink) -> exist
 *   - linking a directory -> perm (suite also accepts acces)
 *   - "link/" as the new name -> noent
 *   - links to a dangling symlink / a symlink loop link the symlink itself
 *   - SYMLINK_FOLLOW on path_link -> inval (suite also accepts noent)
 *   - unlinking one name keeps the data reachable through the other
 */
#include "check.h"

static void same_stat(__wasi_fd_t a, __wasi_fd_t b) {
    __wasi_filestat_t x, y;
    CHECK_OK(__wasi_fd_filestat_get(a, &x));
    CHECK_OK(__wasi_fd_filestat_get(b, &y));
    CHECK_EQ(x.dev, y.dev);
    CHECK_EQ(x.ino, y.ino);
    CHECK_EQ(x.filetype, y.filetype);
    CHECK_EQ(x.nlink, y.nlink);
    CHECK_EQ(x.size, y.size);
    CHECK_EQ(x.atim, y.atim);
    CHECK_EQ(x.mtim, y.mtim);
    CHECK_EQ(x.ctim, y.ctim);
}

int main(void) {
    char buf[64];
    size_t n;
    __wasi_filestat_t st;

    MAKE_FILE(SANDBOX, "file", "shared");
    __wasi_fd_t f = OPEN(SANDBOX, "file", 0, RW_RIGHTS, 0);

    /* same directory */
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "link"));
    __wasi_fd_t l = OPEN(SANDBOX, "link", 0, RW_RIGHTS, 0);
    same_stat(f, l);
    CHECK_OK(__wasi_fd_filestat_get(f, &st));
    CHECK_EQ(st.nlink, 2);
    CHECK_OK(__wasi_fd_seek(l, 0, __WASI_WHENCE_END, &(__wasi_filesize_t){0}));
    CHECK_OK(write_all(l, "!", 1, &n));
    CHECK_EQ(slurp(SANDBOX, "file", buf, sizeof buf), 7);
    CHECK_STR(buf, "shared!");
    CHECK_OK(__wasi_fd_close(l));
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "link"));
    CHECK_OK(__wasi_fd_filestat_get(f, &st));
    CHECK_EQ(st.nlink, 1);

    /* other directory, through a second dir fd */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "subdir"));
    __wasi_fd_t sub = OPEN_DIR(SANDBOX, "subdir");
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "file", sub, "link"));
    l = OPEN(sub, "link", 0, RW_RIGHTS, 0);
    same_stat(f, l);
    CHECK_OK(__wasi_fd_close(l));
    CHECK_OK(__wasi_path_unlink_file(sub, "link"));
    CHECK_OK(__wasi_fd_close(sub));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "subdir"));

    /* target already exists */
    MAKE_FILE(SANDBOX, "link", "other");
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "link"), __WASI_ERRNO_EXIST);
    CHECK_EQ(slurp(SANDBOX, "link", buf, sizeof buf), 5); /* untouched */
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "link"));
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "file"), __WASI_ERRNO_EXIST);
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "link"));
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "link"), __WASI_ERRNO_EXIST);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "link"));

    /* linking a directory */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "subdir"));
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "subdir", SANDBOX, "link"), __WASI_ERRNO_PERM,
              __WASI_ERRNO_ACCES);
    CHECK_EQ(path_type(SANDBOX, "link"), 255);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "subdir"));

    /* trailing slash on the new name */
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "link/"), __WASI_ERRNO_NOENT);
    CHECK_EQ(path_type(SANDBOX, "link"), 255);

    /* missing source, missing target directory */
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "nope", SANDBOX, "link"), __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "nodir/link"), __WASI_ERRNO_NOENT);

    /* links to symlinks (the symlink itself is linked, not its target) */
    CHECK_OK(__wasi_path_symlink("target", SANDBOX, "symlink"));
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "symlink", SANDBOX, "link"));
    CHECK_EQ(path_type(SANDBOX, "link"), __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "symlink"));
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "link"));

    CHECK_OK(__wasi_path_symlink("symlink", SANDBOX, "symlink"));
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "symlink", SANDBOX, "link"));
    CHECK_EQ(path_type(SANDBOX, "link"), __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "symlink"));
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "link"));

    /* the new name is a dangling symlink -> exist */
    CHECK_OK(__wasi_path_symlink("target", SANDBOX, "symlink"));
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "symlink"), __WASI_ERRNO_EXIST);
    CHECK_EQ(path_type(SANDBOX, "target"), 255);

    /* following symlinks in path_link is rejected */
    CHECK_ERR(__wasi_path_link(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", SANDBOX,
                               "link"),
              __WASI_ERRNO_INVAL, __WASI_ERRNO_NOENT);
    CHECK_EQ(path_type(SANDBOX, "link"), 255);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "symlink"));

    /* unlinking the original keeps the data reachable through the link */
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "file", SANDBOX, "link"));
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "file"));
    CHECK_EQ(slurp(SANDBOX, "link", buf, sizeof buf), 7);
    CHECK_STR(buf, "shared!");
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "link", &st));
    CHECK_EQ(st.nlink, 1);
    CHECK_OK(__wasi_fd_close(f));
    return DONE("path_link");
}
