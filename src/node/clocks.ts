// Owns: Node's better time sources: hrtime for the monotonic clock, cpuUsage for CPU time.
// Must not: be imported by the core.
import type { Clocks } from '../p1/context.js';

/** Clocks backed by `process.hrtime.bigint()` and `process.cpuUsage()`. */
export function nodeClocks(): Partial<Clocks> {
  const cpu = (): bigint => {
    const u = process.cpuUsage();
    return BigInt(u.user + u.system) * 1000n;
  };
  return {
    monotonic: () => process.hrtime.bigint(),
    processCputime: cpu,
    threadCputime: cpu,
    resolutionNs: 1n,
  };
}
