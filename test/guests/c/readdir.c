/*
 * readdir: fd_readdir (wasi-testsuite fd_readdir).
 *   - an empty directory lists exactly "." and ".." (both directories, "."
 *     with the directory's own inode); a short result means end of directory
 *   - d_type / d_ino / d_namlen of files, directories and symlinks
 *   - cookies: d_next of entry k resumes right after entry k; d_next of the
 *     last entry gives an empty result
 *   - a buffer too small for the next entry is filled completely (the entry
 *     is truncated) and bufused == buf_len
 *   - walking a 300-entry directory with a 256-byte buffer sees every entry
 *     exactly once
 * Entry order is not specified, so names are compared as sorted sets.
 */
#include "check.h"

#define DIRENT_SIZE ((size_t)sizeof(__wasi_dirent_t))
#define MAXE 512

typedef struct {
    char name[64];
    __wasi_dirent_t d;
} entry_t;

/* Parse complete entries out of buf[0..used). Returns count. */
static int parse(const uint8_t *buf, size_t used, entry_t *out, int max) {
    int k = 0;
    size_t off = 0;
    while (off + DIRENT_SIZE <= used && k < max) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, DIRENT_SIZE);
        if (off + DIRENT_SIZE + d.d_namlen > used) break;
        out[k].d = d;
        size_t l = d.d_namlen < 63 ? d.d_namlen : 63;
        memcpy(out[k].name, buf + off + DIRENT_SIZE, l);
        out[k].name[l] = 0;
        k++;
        off += DIRENT_SIZE + d.d_namlen;
    }
    return k;
}

/* Read the whole directory with a big buffer in one call. */
static int list_all(__wasi_fd_t fd, __wasi_dircookie_t cookie, entry_t *out) {
    static uint8_t buf[65536];
    __wasi_size_t used = 0;
    CHECK_OK(__wasi_fd_readdir(fd, buf, sizeof buf, cookie, &used));
    CHECK(used < sizeof buf);
    return parse(buf, used, out, MAXE);
}

static int find(const entry_t *e, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0) return i;
    return -1;
}

static int cmp_names(const void *a, const void *b) { return strcmp(a, b); }

int main(void) {
    static entry_t e[MAXE], e2[MAXE];
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "rd"));
    __wasi_fd_t fd = OPEN_DIR(SANDBOX, "rd");
    __wasi_filestat_t dst;
    CHECK_OK(__wasi_fd_filestat_get(fd, &dst));

    /* empty directory */
    int n = list_all(fd, 0, e);
    CHECK_EQ(n, 2);
    int dot = find(e, n, "."), dotdot = find(e, n, "..");
    CHECK(dot >= 0 && dotdot >= 0);
    if (dot >= 0) {
        CHECK_EQ(e[dot].d.d_type, __WASI_FILETYPE_DIRECTORY);
        CHECK_EQ(e[dot].d.d_namlen, 1);
        CHECK_EQ(e[dot].d.d_ino, dst.ino);
    }
    if (dotdot >= 0) {
        CHECK_EQ(e[dotdot].d.d_type, __WASI_FILETYPE_DIRECTORY);
        CHECK_EQ(e[dotdot].d.d_namlen, 2);
    }

    /* one of each kind */
    MAKE_FILE(fd, "a", "x");
    CHECK_OK(__wasi_path_create_directory(fd, "bb"));
    CHECK_OK(__wasi_path_symlink("a", fd, "ccc"));
    n = list_all(fd, 0, e);
    CHECK_EQ(n, 5);
    static const struct { const char *name; unsigned type; } want[] = {
        {"a", __WASI_FILETYPE_REGULAR_FILE},
        {"bb", __WASI_FILETYPE_DIRECTORY},
        {"ccc", __WASI_FILETYPE_SYMBOLIC_LINK},
    };
    for (int i = 0; i < 3; i++) {
        check_ctx = want[i].name;
        int k = find(e, n, want[i].name);
        CHECK(k >= 0);
        if (k < 0) continue;
        CHECK_EQ(e[k].d.d_type, want[i].type);
        CHECK_EQ(e[k].d.d_namlen, strlen(want[i].name));
        __wasi_filestat_t st;
        CHECK_OK(__wasi_path_filestat_get(fd, 0, want[i].name, &st));
        CHECK_EQ(e[k].d.d_ino, st.ino);
    }
    check_ctx = NULL;

    /* cookies: resuming after entry k yields exactly entries k+1.. */
    for (int k = 0; k < n; k++) {
        int m = list_all(fd, e[k].d.d_next, e2);
        CHECK_EQ(m, n - k - 1);
        for (int j = 0; j < m && k + 1 + j < n; j++) {
            CHECK_STR(e2[j].name, e[k + 1 + j].name);
            CHECK_EQ(e2[j].d.d_next, e[k + 1 + j].d.d_next);
        }
    }
    /* the cookie of the first entry differs from 0 and they all differ */
    for (int k = 0; k < n; k++) {
        CHECK(e[k].d.d_next != 0);
        for (int j = k + 1; j < n; j++) CHECK(e[k].d.d_next != e[j].d.d_next);
    }

    /* buffers too small for the next entry are filled completely */
    uint8_t small[64];
    __wasi_size_t used = 0;
    CHECK_OK(__wasi_fd_readdir(fd, small, 10, 0, &used));
    CHECK_EQ(used, 10);
    CHECK_OK(__wasi_fd_readdir(fd, small, DIRENT_SIZE, 0, &used));
    CHECK_EQ(used, DIRENT_SIZE);
    /* the header is complete: it describes the first entry */
    {
        __wasi_dirent_t d;
        memcpy(&d, small, DIRENT_SIZE);
        CHECK_EQ(d.d_next, e[0].d.d_next);
        CHECK_EQ(d.d_namlen, e[0].d.d_namlen);
    }
    /* header + 1 byte of a 3-byte name ("ccc" is the longest here) */
    int kc = find(e, n, "ccc");
    if (kc >= 0) {
        __wasi_dircookie_t before = kc ? e[kc - 1].d.d_next : 0;
        CHECK_OK(__wasi_fd_readdir(fd, small, DIRENT_SIZE + 1, before, &used));
        CHECK_EQ(used, DIRENT_SIZE + 1);
        CHECK_EQ(small[DIRENT_SIZE], 'c');
    }
    CHECK_OK(__wasi_fd_readdir(fd, small, 0, 0, &used));
    CHECK_EQ(used, 0);

    /* lots of entries, walked with a 256-byte buffer */
    char name[32];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "file.%d", i);
        __wasi_fd_t f = OPEN(fd, name, __WASI_OFLAGS_CREAT, 0, 0);
        CHECK_OK(__wasi_fd_close(f));
    }
    static char seen[MAXE][64];
    int total = 0, calls = 0;
    __wasi_dircookie_t cookie = 0;
    for (;;) {
        uint8_t buf[256];
        CHECK_OK(__wasi_fd_readdir(fd, buf, sizeof buf, cookie, &used));
        int m = parse(buf, used, e2, MAXE);
        for (int j = 0; j < m && total < MAXE; j++) strcpy(seen[total++], e2[j].name);
        if (used < sizeof buf) break;
        if (m == 0 || ++calls > 1000) {
            FAIL("readdir walk made no progress (got %d entries want more)", m);
            break;
        }
        cookie = e2[m - 1].d.d_next;
    }
    CHECK_EQ(total, 305);
    qsort(seen, total, sizeof seen[0], cmp_names);
    int dups = 0;
    for (int i = 1; i < total; i++) dups += strcmp(seen[i - 1], seen[i]) == 0;
    CHECK_EQ(dups, 0);

    /* removed entries disappear */
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "file.%d", i);
        CHECK_OK(__wasi_path_unlink_file(fd, name));
    }
    CHECK_OK(__wasi_path_unlink_file(fd, "ccc"));
    n = list_all(fd, 0, e);
    CHECK_EQ(n, 4);
    CHECK(find(e, n, "ccc") < 0);
    CHECK(find(e, n, "a") >= 0);

    /* the preopen itself can be listed: ".", "..", "rd" */
    n = list_all(SANDBOX, 0, e);
    CHECK_EQ(n, 3);
    CHECK(find(e, n, "rd") >= 0);
    CHECK_OK(__wasi_fd_close(fd));
    return DONE("readdir");
}
