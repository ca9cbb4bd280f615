// Workload 5: COUNT (default 1,000,000) x (clock_time_get(MONOTONIC) + random_get of 16 bytes).
// Checks the clock never goes back and the random bytes are not constant.
// Prints "ok clock_random count=N zero_blocks=Z".
#include "common.h"

int main(int argc, char **argv) {
  long count = arg_long(argc, argv, 1, 1000000);
  __wasi_timestamp_t prev = 0, t;
  uint8_t r[16];
  uint64_t acc = 0;
  long zero_blocks = 0, same_blocks = 0;
  uint64_t last_lo = 0;
  for (long i = 0; i < count; i++) {
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t), "clock_time_get");
    if (t < prev) die("monotonic clock went back", 0);
    prev = t;
    memset(r, 0, sizeof r);
    CHECK(__wasi_random_get(r, sizeof r), "random_get");
    uint64_t lo, hi;
    memcpy(&lo, r, 8);
    memcpy(&hi, r + 8, 8);
    if ((lo | hi) == 0) zero_blocks++;
    if (lo == last_lo) same_blocks++;
    last_lo = lo;
    acc ^= lo ^ hi;
  }
  if (count > 100 && (zero_blocks > 1 || same_blocks > 1)) die("random_get returned constant bytes", (int)zero_blocks);
  printf("ok clock_random count=%ld zero_blocks=%ld acc=%016llx\n", count, zero_blocks, (unsigned long long)acc);
  return 0;
}
