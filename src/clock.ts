// Owns: the default time sources of the core (platform-neutral: performance and Date only).
// Must not: use Node APIs; src/node/ may supply better sources.

/** Wall-clock time in nanoseconds since the Unix epoch, with sub-millisecond precision where the platform has it. */
export function realtimeNs(): bigint {
  // One conversion: a double holds epoch nanoseconds to within a few hundred ns, finer than the clock.
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

/** A monotonic time in nanoseconds (arbitrary origin). */
export function monotonicNs(): bigint {
  const ms = performance.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1e6));
}
