/*
 * libc_fs: the same operations through wasi-libc's POSIX layer, which maps
 * absolute and cwd-relative paths onto the "/sandbox" preopen.
 *   - stdio files: fopen/fprintf/fgets/fseek/ftell/append mode
 *   - open/read/write/lseek/ftruncate/fsync/close, errno on failures
 *   - mkdir/stat/rename/unlink/rmdir/symlink/readlink/access
 *   - opendir/readdir listing (sorted), chdir/getcwd and relative paths
 * Prints the directory listing; output is deterministic.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define CHECK_ERRNO(expr, want)                                                \
    do {                                                                       \
        errno = 0;                                                             \
        long r_ = (long)(expr);                                                \
        int e_ = errno;                                                        \
        if (r_ != -1 || e_ != (want))                                          \
            FAIL("%s (got %ld errno %d (%s) want -1 errno %d (%s))", #expr,    \
                 r_, e_, strerror(e_), (want), strerror(want));                \
    } while (0)

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
    char line[128];

    /* stdio */
    FILE *f = fopen("/sandbox/hello.txt", "w");
    CHECK(f != NULL);
    if (f) {
        CHECK(fprintf(f, "line one\nline %d\n", 2) > 0);
        CHECK_EQ(fclose(f), 0);
    }
    f = fopen("/sandbox/hello.txt", "r");
    CHECK(f != NULL);
    if (f) {
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK_STR(line, "line one\n");
        CHECK_EQ(ftell(f), 9);
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK_STR(line, "line 2\n");
        CHECK(fgets(line, sizeof line, f) == NULL);
        CHECK(feof(f));
        CHECK_EQ(fseek(f, 5, SEEK_SET), 0);
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK_STR(line, "one\n");
        fclose(f);
    }
    f = fopen("/sandbox/hello.txt", "a");
    CHECK(f != NULL);
    if (f) {
        fputs("appended\n", f);
        fclose(f);
    }
    struct stat sb;
    CHECK_EQ(stat("/sandbox/hello.txt", &sb), 0);
    CHECK(S_ISREG(sb.st_mode));
    CHECK_EQ(sb.st_size, 25);
    CHECK(fopen("/sandbox/missing.txt", "r") == NULL);
    CHECK_EQ(errno, ENOENT);

    /* fds */
    int fd = open("/sandbox/raw.bin", O_CREAT | O_RDWR | O_EXCL, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    char b[16] = {0};
    CHECK_EQ(read(fd, b, 3), 3);
    CHECK_STR(b, "234");
    CHECK_EQ(pread(fd, b, 2, 8), 2);
    CHECK_MEM(b, "89", 2);
    CHECK_EQ(ftruncate(fd, 4), 0);
    CHECK_EQ(fstat(fd, &sb), 0);
    CHECK_EQ(sb.st_size, 4);
    CHECK_EQ(fsync(fd), 0);
    CHECK_EQ(close(fd), 0);
    CHECK_ERRNO(close(fd), EBADF);
    CHECK_ERRNO(open("/sandbox/raw.bin", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    CHECK_ERRNO(open("/sandbox/nodir/x", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("/sandbox/raw.bin/x", O_RDONLY), ENOTDIR);

    /* directories */
    CHECK_EQ(mkdir("/sandbox/dir", 0755), 0);
    CHECK_ERRNO(mkdir("/sandbox/dir", 0755), EEXIST);
    CHECK_EQ(stat("/sandbox/dir", &sb), 0);
    CHECK(S_ISDIR(sb.st_mode));
    CHECK_EQ(mkdir("/sandbox/dir/sub", 0755), 0);
    CHECK_ERRNO(rmdir("/sandbox/dir"), ENOTEMPTY);
    CHECK_EQ(rename("/sandbox/raw.bin", "/sandbox/dir/raw.bin"), 0);
    CHECK_EQ(access("/sandbox/dir/raw.bin", F_OK), 0);
    CHECK_ERRNO(access("/sandbox/raw.bin", F_OK), ENOENT);
    CHECK_EQ(symlink("raw.bin", "/sandbox/dir/link"), 0);
    memset(line, 0, sizeof line);
    CHECK_EQ(readlink("/sandbox/dir/link", line, sizeof line), 7);
    CHECK_STR(line, "raw.bin");
    CHECK_EQ(lstat("/sandbox/dir/link", &sb), 0);
    CHECK(S_ISLNK(sb.st_mode));
    CHECK_EQ(stat("/sandbox/dir/link", &sb), 0);
    CHECK(S_ISREG(sb.st_mode));

    /* listing */
    DIR *d = opendir("/sandbox/dir");
    CHECK(d != NULL);
    char *names[16];
    int count = 0;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL && count < 16) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            names[count++] = strdup(de->d_name);
        }
        closedir(d);
    }
    qsort(names, count, sizeof names[0], cmp);
    printf("dir:");
    for (int i = 0; i < count; i++) printf(" %s", names[i]);
    printf("\n");
    CHECK_EQ(count, 3);

    /* cwd and relative paths */
    CHECK_EQ(chdir("/sandbox/dir"), 0);
    char cwd[64] = {0};
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_STR(cwd, "/sandbox/dir");
    f = fopen("rel.txt", "w");
    CHECK(f != NULL);
    if (f) fclose(f);
    CHECK_EQ(access("/sandbox/dir/rel.txt", F_OK), 0);
    CHECK_EQ(access("../hello.txt", F_OK), 0);
    CHECK_EQ(access("sub/../raw.bin", F_OK), 0);

    /* clean up with unlink/rmdir */
    CHECK_EQ(unlink("rel.txt"), 0);
    CHECK_EQ(unlink("link"), 0);
    CHECK_EQ(unlink("raw.bin"), 0);
    CHECK_EQ(rmdir("sub"), 0);
    CHECK_EQ(chdir("/sandbox"), 0);
    CHECK_EQ(rmdir("dir"), 0);
    CHECK_ERRNO(unlink("dir"), ENOENT);
    CHECK_EQ(unlink("hello.txt"), 0);
    d = opendir(".");
    count = 0;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) count++;
        closedir(d);
    }
    CHECK_EQ(count, 0);
    return DONE("libc_fs");
}
