/*
 * poll_edge: poll_oneoff cases beyond poll.c (run with empty stdin).
 *   - stdio (wasi-testsuite poll_oneoff_stdio): stdin FD_READ with a 200 ms
 *     clock gives stdin-readable (end of input counts) and/or the clock;
 *     stdout and stderr become writable before a 2 s clock
 *   - a subscription on a bad fd: the call fails with badf (wasmtime) or the
 *     events carry badf
 *   - SUBSCRIPTION_CLOCK_ABSTIME: absolute monotonic and realtime deadlines,
 *     a deadline in the past fires at once, an absolute deadline beats a
 *     longer relative timeout
 */
#include "check.h"

#define MS 1000000ull

static __wasi_timestamp_t now(__wasi_clockid_t id) {
    __wasi_timestamp_t t = 0;
    CHECK_OK(__wasi_clock_time_get(id, 1, &t));
    return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id,
                                       __wasi_timestamp_t timeout, int abs) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    if (type == __WASI_EVENTTYPE_FD_READ)
        s.u.u.fd_read.file_descriptor = fd;
    else
        s.u.u.fd_write.file_descriptor = fd;
    return s;
}

static void poll1(__wasi_subscription_t s) {
    __wasi_event_t ev;
    __wasi_size_t nev = 0;
    memset(&ev, 0, sizeof ev);
    CHECK_OK(__wasi_poll_oneoff(&s, &ev, 1, &nev));
    CHECK_EQ(nev, 1);
    CHECK_EQ(ev.userdata, s.userdata);
    CHECK_EQ(ev.type, __WASI_EVENTTYPE_CLOCK);
    CHECK_EQ(ev.error, 0);
}

int main(void) {
    __wasi_subscription_t subs[3];
    __wasi_event_t evs[3];
    __wasi_size_t nev;

    /* stdin: readable or the clock fires */
    subs[0] = fd_sub(0x8765, __WASI_EVENTTYPE_FD_READ, 0);
    subs[1] = clock_sub(0x1234, __WASI_CLOCKID_MONOTONIC, 200 * MS, 0);
    nev = 0;
    memset(evs, 0, sizeof evs);
    CHECK_OK(__wasi_poll_oneoff(subs, evs, 2, &nev));
    CHECK(nev >= 1 && nev <= 2);
    for (unsigned i = 0; i < nev && i < 2; i++) {
        CHECK_EQ(evs[i].error, 0);
        if (evs[i].userdata == 0x8765)
            CHECK_EQ(evs[i].type, __WASI_EVENTTYPE_FD_READ);
        else
            CHECK(evs[i].userdata == 0x1234 && evs[i].type == __WASI_EVENTTYPE_CLOCK);
    }

    /* stdout and stderr become writable before the clock */
    int pending_out = 1, pending_err = 1;
    for (int round = 0; round < 3 && (pending_out || pending_err); round++) {
        int k = 0;
        if (pending_out) subs[k++] = fd_sub(1, __WASI_EVENTTYPE_FD_WRITE, 1);
        if (pending_err) subs[k++] = fd_sub(2, __WASI_EVENTTYPE_FD_WRITE, 2);
        subs[k++] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0);
        nev = 0;
        memset(evs, 0, sizeof evs);
        CHECK_OK(__wasi_poll_oneoff(subs, evs, (__wasi_size_t)k, &nev));
        for (unsigned i = 0; i < nev && i < 3; i++) {
            CHECK_EQ(evs[i].error, 0);
            if (evs[i].userdata == 3) {
                FAIL("stdout/stderr writable (got the clock event want fd_write events)");
                pending_out = pending_err = 0;
                continue;
            }
            CHECK_EQ(evs[i].type, __WASI_EVENTTYPE_FD_WRITE);
            if (evs[i].userdata == 1) pending_out = 0;
            if (evs[i].userdata == 2) pending_err = 0;
        }
    }
    CHECK(!pending_out && !pending_err);

    /* a bad fd */
    subs[0] = fd_sub(41, __WASI_EVENTTYPE_FD_READ, 12345);
    subs[1] = fd_sub(42, __WASI_EVENTTYPE_FD_WRITE, 12345);
    nev = 0;
    memset(evs, 0, sizeof evs);
    unsigned e = __wasi_poll_oneoff(subs, evs, 2, &nev);
    if (e == 0) {
        CHECK(nev >= 1);
        for (unsigned i = 0; i < nev && i < 2; i++) {
            CHECK(evs[i].userdata == 41 || evs[i].userdata == 42);
            CHECK_EQ(evs[i].error, __WASI_ERRNO_BADF);
        }
    } else {
        CHECK_ERR(e, __WASI_ERRNO_BADF);
    }

    /* absolute deadlines */
    __wasi_timestamp_t deadline = now(__WASI_CLOCKID_MONOTONIC) + 10 * MS;
    poll1(clock_sub(51, __WASI_CLOCKID_MONOTONIC, deadline, 1));
    CHECK(now(__WASI_CLOCKID_MONOTONIC) >= deadline);

    __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
    poll1(clock_sub(52, __WASI_CLOCKID_MONOTONIC, 1, 1)); /* long past */
    CHECK(now(__WASI_CLOCKID_MONOTONIC) - t0 < 1000 * MS);

    __wasi_timestamp_t rt = now(__WASI_CLOCKID_REALTIME);
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    poll1(clock_sub(53, __WASI_CLOCKID_REALTIME, rt + 10 * MS, 1));
    CHECK(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 9 * MS); /* the clocks may drift a little */

    subs[0] = clock_sub(54, __WASI_CLOCKID_MONOTONIC, 3000 * MS, 0);
    subs[1] = clock_sub(55, __WASI_CLOCKID_MONOTONIC, now(__WASI_CLOCKID_MONOTONIC) + 5 * MS, 1);
    nev = 0;
    memset(evs, 0, sizeof evs);
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    CHECK_OK(__wasi_poll_oneoff(subs, evs, 2, &nev));
    CHECK(now(__WASI_CLOCKID_MONOTONIC) - t0 < 2000 * MS);
    CHECK_EQ(nev, 1);
    CHECK_EQ(evs[0].userdata, 55);
    return DONE("poll_edge");
}
