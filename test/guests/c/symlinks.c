/*
 * symlinks: path_symlink, path_readlink, and how symlinks are followed
 * (wasi-testsuite readlink, symlink_create, path_exists, nofollow_errors,
 * dangling_symlink, symlink_loop, path_symlink_trailing_slashes,
 * symlink_filestat).
 *   - readlink returns the exact target; a short buffer truncates (no error)
 *     and bytes past the result are untouched; non-symlink -> inval
 *   - symlink over anything existing -> exist; "name/" as the link name:
 *     noent if missing, exist over a dir, notdir over a file
 *   - dangling symlinks can be created and stat'ed
 *   - lookupflags: the last component follows only with SYMLINK_FOLLOW,
 *     intermediate components always follow
 *   - opening a symlink without SYMLINK_FOLLOW -> loop (suite also accepts
 *     acces / notdir in the directory cases)
 *   - self loops and chains longer than 40 -> loop; short chains work
 *   - set_times without SYMLINK_FOLLOW changes the link, with it the target
 */
#include "check.h"

#define T0 1500000000000000000ull /* whole seconds: exact through doubles */

int main(void) {
    char buf[64];
    __wasi_size_t used;
    __wasi_filestat_t st;
    __wasi_fd_t fd;

    MAKE_FILE(SANDBOX, "target", "payload");
    CHECK_OK(__wasi_path_symlink("target", SANDBOX, "symlink"));

    /* readlink */
    memset(buf, 0, sizeof buf);
    CHECK_OK(__wasi_path_readlink(SANDBOX, "symlink", (uint8_t *)buf, 10, &used));
    CHECK_EQ(used, 6);
    CHECK_MEM(buf, "target\0\0\0\0", 10);
    memset(buf, '#', sizeof buf);
    CHECK_OK(__wasi_path_readlink(SANDBOX, "symlink", (uint8_t *)buf, 6, &used));
    CHECK_EQ(used, 6);
    CHECK_MEM(buf, "target#", 7);
    memset(buf, '#', sizeof buf);
    CHECK_OK(__wasi_path_readlink(SANDBOX, "symlink", (uint8_t *)buf, 4, &used));
    CHECK_EQ(used, 4);
    CHECK_MEM(buf, "targ##", 6);
    CHECK_ERR(__wasi_path_readlink(SANDBOX, "target", (uint8_t *)buf, sizeof buf, &used),
              __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_path_readlink(SANDBOX, ".", (uint8_t *)buf, sizeof buf, &used),
              __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_path_readlink(SANDBOX, "missing", (uint8_t *)buf, sizeof buf, &used),
              __WASI_ERRNO_NOENT);

    /* the target text is stored verbatim, not resolved */
    CHECK_OK(__wasi_path_symlink("./a/../target", SANDBOX, "weird"));
    memset(buf, 0, sizeof buf);
    CHECK_OK(__wasi_path_readlink(SANDBOX, "weird", (uint8_t *)buf, sizeof buf, &used));
    CHECK_EQ(used, 13);
    CHECK_STR(buf, "./a/../target");
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "weird"));

    /* path_exists: lstat vs stat */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "subdir"));
    MAKE_FILE(SANDBOX, "subdir/file", "in subdir");
    CHECK_OK(__wasi_path_symlink("subdir/file", SANDBOX, "link1"));
    CHECK_OK(__wasi_path_symlink("subdir", SANDBOX, "link2"));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "link1", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_EQ(st.size, 11); /* length of the target text */
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link1", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(st.size, 9);
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "link2", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link2", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_DIRECTORY);
    /* intermediate components always follow */
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "link2/file", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(slurp(SANDBOX, "link2/file", buf, sizeof buf), 9);
    MAKE_FILE(SANDBOX, "link2/created", "via link");
    CHECK_EQ(path_type(SANDBOX, "subdir/created"), __WASI_FILETYPE_REGULAR_FILE);

    /* symlink_create: open through links with SYMLINK_FOLLOW */
    CHECK_OK(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", 0,
                              __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    size_t n;
    memset(buf, 0, sizeof buf);
    CHECK_OK(read_full(fd, buf, sizeof buf, &n));
    CHECK_STR(buf, "payload");
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link2",
                              __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));

    /* nofollow_errors: a symlink to a directory */
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "link2", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
              __WASI_ERRNO_LOOP, __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "link2", 0, 0, 0, 0, &fd), __WASI_ERRNO_LOOP,
              __WASI_ERRNO_ACCES);
    /* ... and to a file */
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "symlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
              __WASI_ERRNO_LOOP, __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "symlink", 0, 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink",
                               __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
              __WASI_ERRNO_NOTDIR);

    /* dangling symlinks */
    CHECK_OK(__wasi_path_symlink("nowhere", SANDBOX, "dangling"));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "dangling", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling", &st),
              __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "dangling", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "dangling", 0, 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling", 0, 0, 0,
                               0, &fd),
              __WASI_ERRNO_NOENT);

    /* creating over existing names */
    CHECK_ERR(__wasi_path_symlink("x", SANDBOX, "target"), __WASI_ERRNO_EXIST);
    CHECK_ERR(__wasi_path_symlink("x", SANDBOX, "subdir"), __WASI_ERRNO_EXIST);
    CHECK_ERR(__wasi_path_symlink("x", SANDBOX, "symlink"), __WASI_ERRNO_EXIST);
    CHECK_ERR(__wasi_path_symlink("x", SANDBOX, "dangling"), __WASI_ERRNO_EXIST);
    CHECK_ERR(__wasi_path_symlink("x", SANDBOX, "nodir/link"), __WASI_ERRNO_NOENT);
    /* path_symlink_trailing_slashes */
    CHECK_ERR(__wasi_path_symlink("source", SANDBOX, "newlink/"), __WASI_ERRNO_NOENT);
    CHECK_EQ(path_type(SANDBOX, "newlink"), 255);
    CHECK_ERR(__wasi_path_symlink("source", SANDBOX, "subdir/"), __WASI_ERRNO_EXIST);
    CHECK_ERR(__wasi_path_symlink("source", SANDBOX, "target/"), __WASI_ERRNO_NOTDIR);

    /* loops */
    CHECK_OK(__wasi_path_symlink("loop", SANDBOX, "loop"));
    CHECK_ERR(__wasi_path_open(SANDBOX, 0, "loop", 0, 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "loop", 0, 0, 0, 0, &fd),
              __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "loop", &st),
              __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, 0, "loop/x", &st), __WASI_ERRNO_LOOP);
    CHECK_OK(__wasi_path_symlink("pong", SANDBOX, "ping"));
    CHECK_OK(__wasi_path_symlink("ping", SANDBOX, "pong"));
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ping", &st),
              __WASI_ERRNO_LOOP);
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "ping", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);

    /* chains: c0 -> target, c1 -> c0, ... */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "chain"));
    char name[16], to[16];
    CHECK_OK(__wasi_path_symlink("../target", SANDBOX, "chain/c0"));
    for (int i = 1; i < 48; i++) {
        snprintf(name, sizeof name, "chain/c%d", i);
        snprintf(to, sizeof to, "c%d", i - 1);
        CHECK_OK(__wasi_path_symlink(to, SANDBOX, name));
    }
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "chain/c7", &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(slurp(SANDBOX, "chain/c7", buf, sizeof buf), -1); /* slurp doesn't follow */
    CHECK_OK(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "chain/c7", 0,
                              __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "chain/c47", &st),
              __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "chain/c47", 0,
                               __WASI_RIGHTS_FD_READ, 0, 0, &fd),
              __WASI_ERRNO_LOOP);

    /* symlink_filestat: set_times on the link vs on its target */
    __wasi_filestat_t file0, link0;
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "target", &file0));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "symlink", &link0));
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, 0, "symlink", 0, T0, __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "symlink", &st));
    CHECK_EQ(st.mtim, T0);
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "target", &st));
    CHECK_EQ(st.mtim, file0.mtim);
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", &st));
    CHECK_EQ(st.mtim, file0.mtim);
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink",
                                            0, T0 + 2000000000ull, __WASI_FSTFLAGS_MTIM));
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "target", &st));
    CHECK_EQ(st.mtim, T0 + 2000000000ull);
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "symlink", &st));
    CHECK_EQ(st.mtim, T0);

    /* removing links never touches what they point to */
    CHECK_ERR(__wasi_path_remove_directory(SANDBOX, "link2"), __WASI_ERRNO_NOTDIR);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "link2"));
    CHECK_EQ(path_type(SANDBOX, "subdir"), __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "symlink"));
    CHECK_EQ(path_type(SANDBOX, "target"), __WASI_FILETYPE_REGULAR_FILE);
    /* renaming a link renames the link */
    CHECK_OK(__wasi_path_rename(SANDBOX, "link1", SANDBOX, "link1-renamed"));
    CHECK_EQ(path_type(SANDBOX, "link1-renamed"), __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_EQ(path_type(SANDBOX, "subdir/file"), __WASI_FILETYPE_REGULAR_FILE);
    return DONE("symlinks");
}
