/*
 * clock_random: clock_res_get, clock_time_get, random_get, sched_yield
 * (wasi-testsuite clock_time_get, big_random_buf, sched_yield).
 *   - all four clocks answer res and time; resolutions are in (0, 1s]
 *   - realtime is a plausible wall-clock time; monotonic and both cputime
 *     clocks never go backwards; the precision argument is only a hint
 *   - random_get fills big and small, aligned and unaligned buffers with
 *     data that is not all zeros and differs between calls; 0 bytes is ok
 * (Unknown clock ids are in wat/bad_enums.wat.)
 * NOTE: wasmtime answers badf for the two cputime clocks; the spec lists them
 * as valid ids and this program requires them.
 */
#include "check.h"
#include <unistd.h>

#define SEC 1000000000ull

static const struct { __wasi_clockid_t id; const char *name; } clocks[] = {
    {__WASI_CLOCKID_REALTIME, "realtime"},
    {__WASI_CLOCKID_MONOTONIC, "monotonic"},
    {__WASI_CLOCKID_PROCESS_CPUTIME_ID, "process_cputime"},
    {__WASI_CLOCKID_THREAD_CPUTIME_ID, "thread_cputime"},
};

int main(void) {
    for (unsigned c = 0; c < 4; c++) {
        check_ctx = clocks[c].name;
        __wasi_timestamp_t res = 0, t = 0, prev = 0;
        CHECK_OK(__wasi_clock_res_get(clocks[c].id, &res));
        CHECK(res > 0 && res <= SEC);
        CHECK_OK(__wasi_clock_time_get(clocks[c].id, 0, &prev));
        CHECK_OK(__wasi_clock_time_get(clocks[c].id, 1, &t));
        CHECK_OK(__wasi_clock_time_get(clocks[c].id, ~0ull, &t));
        if (c == 0) continue; /* realtime may legitimately step */
        int backwards = 0;
        volatile unsigned sink = 0;
        (void)sink;
        for (int i = 0; i < 2000; i++) {
            for (int j = 0; j < 50; j++) sink += (unsigned)j;
            if (__wasi_clock_time_get(clocks[c].id, 0, &t) != 0) break;
            if (t < prev) backwards++;
            prev = t;
        }
        CHECK_EQ(backwards, 0);
    }
    check_ctx = NULL;

    /* realtime: after 2020-01-01 and before 2200-01-01 */
    __wasi_timestamp_t now = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
    CHECK(now > 1577836800ull * SEC);
    CHECK(now < 7258118400ull * SEC);

    /* monotonic advances across a short sleep */
    __wasi_timestamp_t m0 = 0, m1 = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m0));
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = 2000000; /* 2 ms */
    __wasi_event_t ev;
    __wasi_size_t nev;
    CHECK_OK(__wasi_poll_oneoff(&s, &ev, 1, &nev));
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m1));
    CHECK(m1 - m0 >= 2000000);

    /* random_get */
    static uint8_t big[256 * 1024], big2[256 * 1024];
    CHECK_OK(__wasi_random_get(big, sizeof big));
    CHECK_OK(__wasi_random_get(big2, sizeof big2));
    size_t zeros = 0, same = 0;
    unsigned seen[256] = {0};
    for (size_t i = 0; i < sizeof big; i++) {
        zeros += big[i] == 0;
        same += big[i] == big2[i];
        seen[big[i]] = 1;
    }
    unsigned distinct = 0;
    for (int i = 0; i < 256; i++) distinct += seen[i];
    CHECK_EQ(distinct, 256);
    CHECK(zeros < sizeof big / 64);  /* ~0.4% expected */
    CHECK(same < sizeof big / 64);   /* the two buffers differ */
    /* small and unaligned buffers; bytes around them are untouched */
    uint8_t small[16];
    memset(small, 0xAB, sizeof small);
    CHECK_OK(__wasi_random_get(small + 3, 5));
    CHECK_EQ(small[2], 0xAB);
    CHECK_EQ(small[8], 0xAB);
    CHECK_OK(__wasi_random_get(small, 0));
    CHECK_EQ(small[0], 0xAB);
    /* libc's getentropy goes through random_get too */
    uint8_t e1[32] = {0}, e2[32] = {0};
    CHECK_EQ(getentropy(e1, sizeof e1), 0);
    CHECK_EQ(getentropy(e2, sizeof e2), 0);
    CHECK(memcmp(e1, e2, sizeof e1) != 0);

    /* sched_yield */
    for (int i = 0; i < 3; i++) CHECK_OK(__wasi_sched_yield());
    return DONE("clock_random");
}
