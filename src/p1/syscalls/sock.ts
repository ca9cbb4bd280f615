// Owns: the sock_* syscalls. The core has no socket handles yet (sockets come with the
// I/O layer), so every existing fd is answered as the spec requires of a non-socket.
// Must not: touch the network.
import { fail } from '../../errors.js';
import type { P1Context } from '../context.js';

/** EBADF for a closed fd, ENOTSOCK for any other fd (spec: sock_* on a non-socket). */
function socket(ctx: P1Context, fd: number): never {
  ctx.slot(fd);
  return fail('not-socket', `fd ${fd} is not a socket`);
}

export function sock_accept(ctx: P1Context, fd: number, _flags: number, _out: number): number {
  return socket(ctx, fd);
}
export function sock_recv(ctx: P1Context, fd: number, _riData: number, _riLen: number, _riFlags: number, _roLen: number, _roFlags: number): number {
  return socket(ctx, fd);
}
export function sock_send(ctx: P1Context, fd: number, _siData: number, _siLen: number, _siFlags: number, _soLen: number): number {
  return socket(ctx, fd);
}
export function sock_shutdown(ctx: P1Context, fd: number, _how: number): number {
  return socket(ctx, fd);
}
