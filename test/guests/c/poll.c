/*
 * poll: poll_oneoff (wasi-testsuite poll_oneoff_stdio, wasmtime
 * poll_oneoff_files).
 *   - 0 subscriptions -> inval
 *   - one relative clock (monotonic and realtime) sleeps at least that long
 *   - timeout 0 returns at once
 *   - several clocks: the earliest fires; every reported clock has expired
 *   - fd_read / fd_write on regular files are ready immediately
 *   - stdout is writable
 * (stdin, stderr, bad fds and absolute deadlines: poll_edge.c)
 * Userdata values are echoed; event.type matches the subscription.
 */
#include "check.h"

#define MS 1000000ull

static __wasi_timestamp_t mono(void) {
    __wasi_timestamp_t t = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t));
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
    s.u.u.clock.precision = 0;
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

/* Single clock subscription: returns elapsed monotonic ns. */
static __wasi_timestamp_t sleep_on(__wasi_clockid_t id, __wasi_timestamp_t timeout, int abs) {
    __wasi_subscription_t s = clock_sub(0x1234567890ABCDEFull, id, timeout, abs);
    __wasi_event_t ev;
    memset(&ev, 0xAA, sizeof ev);
    __wasi_size_t nev = 0;
    __wasi_timestamp_t t0 = mono();
    CHECK_OK(__wasi_poll_oneoff(&s, &ev, 1, &nev));
    __wasi_timestamp_t t1 = mono();
    CHECK_EQ(nev, 1);
    CHECK_EQ(ev.userdata, 0x1234567890ABCDEFull);
    CHECK_EQ(ev.error, 0);
    CHECK_EQ(ev.type, __WASI_EVENTTYPE_CLOCK);
    return t1 - t0;
}

int main(void) {
    __wasi_subscription_t subs[4];
    __wasi_event_t evs[4];
    __wasi_size_t nev;

    /* no subscriptions */
    CHECK_ERR(__wasi_poll_oneoff(subs, evs, 0, &nev), __WASI_ERRNO_INVAL);

    /* relative clocks */
    CHECK(sleep_on(__WASI_CLOCKID_MONOTONIC, 5 * MS, 0) >= 5 * MS);
    CHECK(sleep_on(__WASI_CLOCKID_REALTIME, 5 * MS, 0) >= 5 * MS);
    CHECK(sleep_on(__WASI_CLOCKID_MONOTONIC, 0, 0) < 1000 * MS);

    /* several clocks: the 5 ms one fires first */
    subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 3000 * MS, 0);
    subs[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 5 * MS, 0);
    subs[2] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0);
    memset(evs, 0, sizeof evs);
    nev = 0;
    __wasi_timestamp_t t0 = mono();
    CHECK_OK(__wasi_poll_oneoff(subs, evs, 3, &nev));
    __wasi_timestamp_t el = mono() - t0;
    CHECK(nev >= 1 && nev <= 3);
    CHECK(el >= 5 * MS);
    CHECK(el < 1500 * MS);
    int saw2 = 0;
    for (unsigned i = 0; i < nev && i < 3; i++) {
        CHECK_EQ(evs[i].type, __WASI_EVENTTYPE_CLOCK);
        CHECK_EQ(evs[i].error, 0);
        CHECK(evs[i].userdata >= 1 && evs[i].userdata <= 3);
        if (evs[i].userdata == 2) saw2 = 1;
        if (evs[i].userdata == 1) CHECK(el >= 3000 * MS);
        if (evs[i].userdata == 3) CHECK(el >= 2000 * MS);
    }
    CHECK(saw2);

    /* regular files are always ready */
    MAKE_FILE(SANDBOX, "readable", "x");
    __wasi_fd_t r = OPEN(SANDBOX, "readable", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_POLL_FD_READWRITE, 0);
    __wasi_fd_t w = OPEN(SANDBOX, "writable", __WASI_OFLAGS_CREAT,
                         __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_POLL_FD_READWRITE, 0);
    subs[0] = fd_sub(11, __WASI_EVENTTYPE_FD_READ, r);
    subs[1] = clock_sub(12, __WASI_CLOCKID_MONOTONIC, 10000 * MS, 0);
    t0 = mono();
    nev = 0;
    memset(evs, 0, sizeof evs);
    CHECK_OK(__wasi_poll_oneoff(subs, evs, 2, &nev));
    CHECK(mono() - t0 < 5000 * MS);
    CHECK_EQ(nev, 1);
    CHECK_EQ(evs[0].userdata, 11);
    CHECK_EQ(evs[0].type, __WASI_EVENTTYPE_FD_READ);
    CHECK_EQ(evs[0].error, 0);

    /* read + write subscriptions: both fire (retry until both seen) */
    int seen_r = 0, seen_w = 0;
    for (int round = 0; round < 3 && !(seen_r && seen_w); round++) {
        int k = 0;
        if (!seen_r) subs[k++] = fd_sub(21, __WASI_EVENTTYPE_FD_READ, r);
        if (!seen_w) subs[k++] = fd_sub(22, __WASI_EVENTTYPE_FD_WRITE, w);
        nev = 0;
        memset(evs, 0, sizeof evs);
        CHECK_OK(__wasi_poll_oneoff(subs, evs, (__wasi_size_t)k, &nev));
        for (unsigned i = 0; i < nev && i < 2; i++) {
            CHECK_EQ(evs[i].error, 0);
            if (evs[i].userdata == 21) {
                CHECK_EQ(evs[i].type, __WASI_EVENTTYPE_FD_READ);
                seen_r = 1;
            } else if (evs[i].userdata == 22) {
                CHECK_EQ(evs[i].type, __WASI_EVENTTYPE_FD_WRITE);
                seen_w = 1;
            } else {
                FAIL("unexpected userdata (got %llu want 21 or 22)",
                     (unsigned long long)evs[i].userdata);
            }
        }
    }
    CHECK(seen_r && seen_w);

    /* stdout is writable (poll_oneoff_stdio) */
    subs[0] = fd_sub(31, __WASI_EVENTTYPE_FD_WRITE, 1);
    subs[1] = clock_sub(32, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0);
    nev = 0;
    memset(evs, 0, sizeof evs);
    CHECK_OK(__wasi_poll_oneoff(subs, evs, 2, &nev));
    CHECK(nev >= 1);
    CHECK_EQ(evs[0].userdata, 31);
    CHECK_EQ(evs[0].type, __WASI_EVENTTYPE_FD_WRITE);
    CHECK_EQ(evs[0].error, 0);

    CHECK_OK(__wasi_fd_close(r));
    CHECK_OK(__wasi_fd_close(w));
    return DONE("poll");
}
