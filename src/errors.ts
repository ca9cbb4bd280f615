// Owns: the one error-code type used inside Warden and the host-facing error classes.
// Must not: know about errno numbers (only src/p1/errno.ts maps codes to errnos).

/**
 * Every failure inside Warden's core is described by one of these codes.
 * The names follow the `error-code` enum of wasi-filesystem; only the preview1
 * layer turns them into errno numbers.
 */
export type ErrorCode =
  | 'access'
  | 'would-block'
  | 'already'
  | 'bad-descriptor'
  | 'busy'
  | 'exist'
  | 'file-too-large'
  | 'illegal-byte-sequence'
  | 'interrupted'
  | 'invalid'
  | 'io'
  | 'is-directory'
  | 'loop'
  | 'too-many-links'
  | 'name-too-long'
  | 'no-entry'
  | 'insufficient-memory'
  | 'insufficient-space'
  | 'not-directory'
  | 'not-empty'
  | 'unsupported'
  | 'no-tty'
  | 'overflow'
  | 'not-permitted'
  | 'pipe'
  | 'read-only'
  | 'invalid-seek'
  | 'cross-device'
  | 'not-socket'
  | 'not-connected'
  | 'not-capable'
  | 'too-many-open-files'
  | 'file-table-overflow'
  | 'bad-file-type'
  | 'fault';

const codeSet: ReadonlySet<string> = new Set<ErrorCode>([
  'access', 'would-block', 'already', 'bad-descriptor', 'busy', 'exist', 'file-too-large',
  'illegal-byte-sequence', 'interrupted', 'invalid', 'io', 'is-directory', 'loop', 'too-many-links',
  'name-too-long', 'no-entry', 'insufficient-memory', 'insufficient-space', 'not-directory',
  'not-empty', 'unsupported', 'no-tty', 'overflow', 'not-permitted', 'pipe', 'read-only',
  'invalid-seek', 'cross-device', 'not-socket', 'not-connected', 'not-capable', 'too-many-open-files',
  'file-table-overflow', 'bad-file-type', 'fault',
]);

/** True if `value` is one of Warden's {@link ErrorCode}s. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codeSet.has(value);
}

const brand = Symbol.for('warden.error');

/**
 * Base class of every error Warden throws at the host. `instanceof` works across
 * copies of the package through `Symbol.hasInstance` on a registry symbol.
 */
export class WardenError extends Error {
  /** A stable machine-readable code, e.g. `'ERR_WARDEN_CONFIG'`. */
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    (this as unknown as Record<symbol, true>)[brand] = true;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== WardenError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/**
 * A filesystem or I/O operation failed with a known {@link ErrorCode}. Inside
 * Warden this is the only "expected" failure: the preview1 layer turns it into
 * an errno. Host code calling the namespace API directly sees it too.
 */
export class FsError extends WardenError {
  /** The error code; `code` holds the same value. */
  readonly errorCode: ErrorCode;
  constructor(code: ErrorCode, message?: string) {
    super(code, message ?? code);
    this.errorCode = code;
  }
}

/** Throws an {@link FsError} with `code`. Typed `never` for use in expressions. */
export function fail(code: ErrorCode, message?: string): never {
  throw new FsError(code, message);
}

/** Thrown by `proc_exit` to unwind the guest; carries the exit code. */
export class ProcExit extends WardenError {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super('ERR_WARDEN_EXIT', `guest exited with code ${exitCode}`);
    this.exitCode = exitCode;
  }
}

/**
 * The guest did something that ends it abnormally (a wasm trap, or a host bug
 * surfaced as a trap). `cause` holds the original exception when there is one.
 */
export class Trap extends WardenError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_WARDEN_TRAP', message, options);
  }
}

/** The host gave Warden an invalid configuration; the message says what to fix. */
export class ConfigError extends WardenError {
  constructor(message: string) {
    super('ERR_WARDEN_CONFIG', message);
  }
}

/** A module cannot be run: not wasm, missing `_start`, or imports Warden does not provide. */
export class ModuleError extends WardenError {
  /** Imports the module needs that nothing provides, as `module.name`. */
  readonly missingImports: readonly string[];
  constructor(message: string, missingImports: readonly string[] = []) {
    super('ERR_WARDEN_MODULE', message);
    this.missingImports = missingImports;
  }
}
