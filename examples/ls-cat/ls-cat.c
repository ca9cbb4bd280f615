// ls-cat PATH...: lists a directory (name, type, size) or prints a file, like ls and cat.
// Paths are resolved by wasi-libc against the preopened directories.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int show(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "ls-cat: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (d == NULL) {
      fprintf(stderr, "ls-cat: %s: %s\n", path, strerror(errno));
      return 1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char child[4096];
      snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      struct stat cs;
      if (lstat(child, &cs) != 0) continue;
      const char *kind = S_ISDIR(cs.st_mode) ? "dir" : S_ISLNK(cs.st_mode) ? "link" : "file";
      printf("%-5s %8lld %s\n", kind, (long long)cs.st_size, e->d_name);
    }
    closedir(d);
    return 0;
  }
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "ls-cat: %s: %s\n", path, strerror(errno));
    return 1;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ls-cat PATH...\n");
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) status |= show(argv[i]);
  return status;
}
