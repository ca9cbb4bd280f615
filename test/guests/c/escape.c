/*
 * escape: nothing may reach outside the directory capability it is resolved
 * against. wasmtime answers perm; the wasi-testsuite (interesting_paths)
 * accepts perm or notcapable, so both are accepted everywhere here.
 *   - ".." from the preopen, "sub/../../x", absolute paths (even "/sandbox")
 *   - every path_* function with an escaping path
 *   - a directory fd opened from the preopen is its own root: "../x" from it
 *     escapes even though the target is still inside the preopen
 *   - symlinks whose target leaves the sandbox ("..", "../..", "/"): either
 *     creating them fails, or using them as a path fails
 *   - symlinks with ".." that stay inside keep working
 */
#include "check.h"

#define ESC __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE

static void escapes(__wasi_fd_t dir, const char *p) {
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    uint8_t buf[16];
    __wasi_size_t used;
    check_ctx = p;
    CHECK_ERR(__wasi_path_open(dir, 0, p, 0, 0, 0, 0, &fd), ESC);
    CHECK_ERR(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, p, __WASI_OFLAGS_CREAT,
                               RW_RIGHTS, 0, 0, &fd), ESC);
    CHECK_ERR(__wasi_path_filestat_get(dir, 0, p, &st), ESC);
    CHECK_ERR(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, p, &st), ESC);
    CHECK_ERR(__wasi_path_filestat_set_times(dir, 0, p, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), ESC);
    CHECK_ERR(__wasi_path_create_directory(dir, p), ESC);
    CHECK_ERR(__wasi_path_remove_directory(dir, p), ESC);
    CHECK_ERR(__wasi_path_unlink_file(dir, p), ESC);
    CHECK_ERR(__wasi_path_readlink(dir, p, buf, sizeof buf, &used), ESC);
    CHECK_ERR(__wasi_path_symlink("file", dir, p), ESC);
    CHECK_ERR(__wasi_path_link(SANDBOX, 0, "file", dir, p), ESC);
    CHECK_ERR(__wasi_path_link(dir, 0, p, SANDBOX, "newlink"), ESC);
    CHECK_ERR(__wasi_path_rename(SANDBOX, "file", dir, p), ESC);
    CHECK_ERR(__wasi_path_rename(dir, p, SANDBOX, "renamed"), ESC);
    check_ctx = NULL;
}

/* A symlink `name` -> `target` that leaves the sandbox: creation may be
 * refused; if it is created, resolving through it must be refused. */
static void escaping_symlink(const char *target, const char *name, const char *through) {
    check_ctx = name;
    unsigned e = __wasi_path_symlink(target, SANDBOX, name);
    if (e != 0) {
        if (e == __WASI_ERRNO_EXIST || e == __WASI_ERRNO_BADF)
            FAIL("path_symlink(%s -> %s) (got %s(%u) want success or a refusal)", name,
                 target, errno_name(e), e);
        check_ctx = NULL;
        return;
    }
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, name, &st), ESC);
    CHECK_ERR(__wasi_path_filestat_get(SANDBOX, 0, through, &st), ESC);
    CHECK_ERR(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, name,
                               __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), ESC);
    CHECK_ERR(__wasi_path_open(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, through,
                               __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, 0, &fd), ESC);
    CHECK_ERR(__wasi_path_create_directory(SANDBOX, through), ESC);
    /* the link itself is an ordinary entry */
    CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, name, &st));
    CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, name));
    check_ctx = NULL;
}

int main(void) {
    MAKE_FILE(SANDBOX, "file", "inside");
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "sub"));
    MAKE_FILE(SANDBOX, "sub/inner", "inner");

    escapes(SANDBOX, "..");
    escapes(SANDBOX, "../x");
    escapes(SANDBOX, "../sandbox/file");
    escapes(SANDBOX, "sub/../../x");
    escapes(SANDBOX, "sub/../sub/../../x");
    escapes(SANDBOX, "/x");
    escapes(SANDBOX, "/sandbox/file");
    escapes(SANDBOX, "/");

    /* ".." that stays inside is fine */
    char buf[32];
    CHECK_EQ(slurp(SANDBOX, "sub/../file", buf, sizeof buf), 6);
    CHECK_EQ(slurp(SANDBOX, "sub/../sub/inner", buf, sizeof buf), 5);

    /* a sub-directory fd is its own root */
    __wasi_fd_t sub = OPEN_DIR(SANDBOX, "sub");
    CHECK_EQ(slurp(sub, "inner", buf, sizeof buf), 5);
    escapes(sub, "..");
    escapes(sub, "../file");
    escapes(sub, "/sub/inner");
    CHECK_OK(__wasi_fd_close(sub));

    /* symlinks pointing outside */
    escaping_symlink("..", "up", "up/x");
    escaping_symlink("../..", "up2", "up2/x");
    escaping_symlink("sub/../..", "up3", "up3/x");
    escaping_symlink("/", "abs", "abs/x");
    escaping_symlink("/sandbox", "abs2", "abs2/x");
    /* a link inside a sub-directory that climbs above the preopen */
    escaping_symlink("../../../..", "sub/up4", "sub/up4/x");

    /* nothing was created by any of the refused calls */
    CHECK_EQ(path_type(SANDBOX, "newlink"), 255);
    CHECK_EQ(path_type(SANDBOX, "renamed"), 255);
    CHECK_EQ(path_type(SANDBOX, "x"), 255);
    CHECK_EQ(path_type(SANDBOX, "file"), __WASI_FILETYPE_REGULAR_FILE);
    return DONE("escape");
}
