/*
 * args_env: args_sizes_get / args_get / environ_sizes_get / environ_get.
 * Run with args ["héllo", "wörld ✓", "", "a=b c"] and env
 * {"FOO": "bar", "EMPTY": "", "UNICODE": "ünï ✓", "EQ": "x=y"}.
 *   - sizes are byte counts including each NUL (multi-byte UTF-8 counted in
 *     bytes), argv[0] is the program name, empty strings survive
 *   - the pointer arrays point into the buffer, in order, NUL-terminated
 *   - environ entries are "KEY=VALUE" (first '=' splits); libc getenv agrees
 * Output: one line per arg (index and byte length), then the sorted
 * environment, then "ok args_env".
 */
#include "check.h"

static int cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv) {
    __wasi_size_t argc2 = 0, argv_size = 0;
    CHECK_OK(__wasi_args_sizes_get(&argc2, &argv_size));
    CHECK_EQ(argc2, 5);
    CHECK_EQ((size_t)argc, argc2);

    static uint8_t abuf[4096];
    static uint8_t *aptr[64];
    memset(abuf, 0xEE, sizeof abuf);
    if (argc2 < 64 && argv_size < sizeof abuf) {
        CHECK_OK(__wasi_args_get(aptr, abuf));
        CHECK_EQ(abuf[argv_size], 0xEE); /* nothing written past the size */
        CHECK_EQ(abuf[argv_size - 1], 0);
        size_t sum = 0;
        for (unsigned i = 0; i < argc2; i++) {
            CHECK(aptr[i] >= abuf && aptr[i] < abuf + argv_size);
            size_t len = strlen((char *)aptr[i]);
            sum += len + 1;
            if (i > 0) CHECK_EQ(aptr[i], aptr[i - 1] + strlen((char *)aptr[i - 1]) + 1);
            CHECK_STR((char *)aptr[i], argv[i]);
            if (i == 0) {
                /* the program name: basename without a directory part */
                const char *base = strrchr(argv[0], '/');
                base = base ? base + 1 : argv[0];
                CHECK_STR(base, "args_env.wasm");
                printf("arg0: args_env.wasm\n");
            } else {
                printf("arg%u: %zu bytes [%s]\n", i, len, (char *)aptr[i]);
            }
        }
        CHECK_EQ(sum, argv_size);
    }
    CHECK_STR(argv[1], "h\xc3\xa9llo");
    CHECK_STR(argv[2], "w\xc3\xb6rld \xe2\x9c\x93");
    CHECK_STR(argv[3], "");
    CHECK_STR(argv[4], "a=b c");

    __wasi_size_t envc = 0, env_size = 0;
    CHECK_OK(__wasi_environ_sizes_get(&envc, &env_size));
    CHECK_EQ(envc, 4);
    static uint8_t ebuf[4096];
    static char *eptr[64];
    memset(ebuf, 0xEE, sizeof ebuf);
    if (envc < 64 && env_size < sizeof ebuf) {
        CHECK_OK(__wasi_environ_get((uint8_t **)eptr, ebuf));
        CHECK_EQ(ebuf[env_size], 0xEE);
        size_t sum = 0;
        for (unsigned i = 0; i < envc; i++) {
            CHECK(strchr(eptr[i], '=') != NULL);
            sum += strlen(eptr[i]) + 1;
        }
        CHECK_EQ(sum, env_size);
        qsort(eptr, envc, sizeof eptr[0], cmp);
        for (unsigned i = 0; i < envc; i++) printf("env: %s\n", eptr[i]);
    }
    CHECK_STR(getenv("FOO"), "bar");
    CHECK_STR(getenv("EMPTY"), "");
    CHECK_STR(getenv("UNICODE"), "\xc3\xbcn\xc3\xaf \xe2\x9c\x93");
    CHECK_STR(getenv("EQ"), "x=y");
    CHECK(getenv("NOT_SET") == NULL);
    return DONE("args_env");
}
