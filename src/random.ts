// Owns: the default source of random bytes: the platform's CSPRNG, pooled so that many small
// requests (random_get of 16 bytes) do not each pay for a getRandomValues call.
// Must not: hand out the same bytes twice, or use anything but crypto.getRandomValues.

const MAX_CHUNK = 65536;
const POOL = new Uint8Array(MAX_CHUNK);
let used = POOL.length;

/** Fills `buf` straight from `crypto.getRandomValues`, in the 64 KiB pieces it allows. */
export function fillRandom(buf: Uint8Array): void {
  for (let i = 0; i < buf.length; i += MAX_CHUNK) crypto.getRandomValues(buf.subarray(i, Math.min(buf.length, i + MAX_CHUNK)));
}

/**
 * Fills `buf` with cryptographically secure random bytes. Small requests are
 * served from a 64 KiB pool filled by one `getRandomValues` call; every pooled
 * byte is handed out once and then zeroed, so no two callers see the same bytes.
 */
export function pooledRandom(buf: Uint8Array): void {
  if (buf.length >= 4096) {
    fillRandom(buf);
    return;
  }
  let done = 0;
  while (done < buf.length) {
    if (used === POOL.length) {
      crypto.getRandomValues(POOL);
      used = 0;
    }
    const n = Math.min(buf.length - done, POOL.length - used);
    buf.set(POOL.subarray(used, used + n), done);
    POOL.fill(0, used, used + n);
    used += n;
    done += n;
  }
}
