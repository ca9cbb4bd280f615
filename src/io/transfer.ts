// Owns: the stream handles whose whole state is in shared memory (pipe ends, channel ends, sockets
// over channels), described as plain data for another thread (postMessage) and adopted there.
// Must not: know about files, directories or platform threads (src/node/transfer.ts adds those).
import { ChannelEnd, type ChannelShared } from './channel.js';
import { PipeReader, PipeWriter, type PipeShared } from './pipe.js';
import { ChannelSocket } from './socket.js';
import type { StreamHandle } from './stream.js';

/** A stream handle that can cross to another thread: its bytes stay in shared memory. */
export type SharedStream = PipeReader | PipeWriter | ChannelEnd | ChannelSocket;

/** A {@link SharedStream} described for another thread (structured-cloneable). */
export type StreamDescriptor =
  | { readonly kind: 'pipe-reader' | 'pipe-writer'; readonly shared: PipeShared }
  | { readonly kind: 'channel' | 'socket'; readonly shared: ChannelShared };

/** True if `h` is a stream that {@link describeStream} can describe. */
export function isSharedStream(h: unknown): h is SharedStream {
  return h instanceof PipeReader || h instanceof PipeWriter || h instanceof ChannelEnd || h instanceof ChannelSocket;
}

/**
 * Describes `h` for another thread. By default the end is *moved* (stop using
 * it here: closing it in either thread closes it); with `keep` the receiver
 * becomes a holder of its own and the end closes when every holder has closed
 * it, as a pipe fd inherited by two processes.
 */
export function describeStream(h: SharedStream, options: { keep?: boolean } = {}): StreamDescriptor {
  const keep = { keep: options.keep === true };
  if (h instanceof ChannelSocket) return { kind: 'socket', shared: h.end.share(keep) };
  if (h instanceof ChannelEnd) return { kind: 'channel', shared: h.share(keep) };
  if (h instanceof PipeReader) return { kind: 'pipe-reader', shared: h.share(keep) };
  return { kind: 'pipe-writer', shared: h.share(keep) };
}

/** The stream `d` describes, in this thread. */
export function adoptStream(d: StreamDescriptor): StreamHandle {
  switch (d.kind) {
    case 'pipe-reader':
      return new PipeReader(d.shared);
    case 'pipe-writer':
      return new PipeWriter(d.shared);
    case 'channel':
      return new ChannelEnd(d.shared);
    case 'socket':
      return new ChannelSocket(new ChannelEnd(d.shared));
  }
}
