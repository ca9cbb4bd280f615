// Owns: turning `warden` argv into options. Options come before the module; everything after
// the module (or after `--`) belongs to the guest.
// Must not: run anything.

/** A preopen asked for on the command line. */
export interface DirSpec {
  kind: 'dir' | 'ro-dir' | 'overlay' | 'mem-dir';
  host: string;
  guest: string;
}

/** What `warden run` was asked to do. */
export interface RunCommand {
  command: 'run';
  module: string;
  args: string[];
  dirs: DirSpec[];
  env: [string, string][];
  inheritEnv: boolean;
  trace: boolean;
  /** `--listen HOST:PORT` addresses, in order: listening sockets at fds 3, 4, ... before the preopens. */
  listen: { host: string; port: number }[];
  /** `--blocking`: how the program waits for the host (default 'auto'). */
  blocking: 'auto' | 'jspi' | 'worker' | 'sync';
}

/** What `warden types` was asked to do. */
export interface TypesCommand {
  command: 'types';
  /** The WIT file to read. */
  file: string;
  /** `--world NAME`: the world to describe (default: every world of the main package). */
  world: string | null;
  /** `--out FILE`: where to write the TypeScript (default: stdout). */
  out: string | null;
}

export type Command = RunCommand | TypesCommand | { command: 'help' } | { command: 'version' };

/** A command-line mistake: printed as one line, exit code 2. */
export class UsageError extends Error {}

function splitDir(value: string): [string, string] {
  const i = value.indexOf('::');
  return i < 0 ? [value, value] : [value.slice(0, i), value.slice(i + 2)];
}

/** Parses `argv` (without node and the script). */
export function parseArgs(argv: readonly string[], hostEnv: Readonly<Record<string, string | undefined>>): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { command: 'help' };
  if (first === '--version' || first === '-V' || first === 'version') return { command: 'version' };
  if (first === 'types') return parseTypesArgs(rest);
  if (first !== 'run') throw new UsageError(`unknown command "${first}" (try "warden run <module.wasm>", "warden types <file.wit>" or "warden --help")`);
  const cmd: RunCommand = { command: 'run', module: '', args: [], dirs: [], env: [], inheritEnv: false, trace: false, listen: [], blocking: 'auto' };
  let i = 0;
  const value = (flag: string): string => {
    const v = rest[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const take = (): string => inline ?? value(flag);
    switch (flag) {
      case '--dir':
      case '--ro-dir':
      case '--overlay': {
        const [host, guest] = splitDir(take());
        cmd.dirs.push({ kind: flag === '--dir' ? 'dir' : flag === '--ro-dir' ? 'ro-dir' : 'overlay', host, guest });
        break;
      }
      case '--mem-dir': {
        const guest = take();
        cmd.dirs.push({ kind: 'mem-dir', host: '', guest });
        break;
      }
      case '--env': {
        const v = take();
        const k = v.indexOf('=');
        if (k < 0) {
          const hv = hostEnv[v];
          if (hv !== undefined) cmd.env.push([v, hv]);
        } else {
          if (k === 0) throw new UsageError(`--env "${v}" has no variable name`);
          cmd.env.push([v.slice(0, k), v.slice(k + 1)]);
        }
        break;
      }
      case '--listen': {
        const v = take();
        const m = /^(.*):(\d+)$/.exec(v);
        const port = m === null ? NaN : Number(m[2]);
        if (m === null || m[1] === '' || !(port >= 0 && port <= 65535)) throw new UsageError(`--listen "${v}" is not HOST:PORT (e.g. 127.0.0.1:8080)`);
        cmd.listen.push({ host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port });
        break;
      }
      case '--inherit-env':
        cmd.inheritEnv = true;
        break;
      case '--trace':
        cmd.trace = true;
        break;
      case '--blocking': {
        const v = value(flag);
        if (v !== 'auto' && v !== 'jspi' && v !== 'worker' && v !== 'sync') throw new UsageError(`--blocking "${v}": expected auto, jspi, worker or sync`);
        cmd.blocking = v;
        break;
      }
      case '--help':
      case '-h':
        return { command: 'help' };
      default:
        throw new UsageError(`unknown option "${a}" (see "warden --help")`);
    }
  }
  const module = rest[i];
  if (module === undefined) throw new UsageError('no module given: warden run [options] <module.wasm> [args...]');
  cmd.module = module;
  cmd.args = rest.slice(i + 1);
  return cmd;
}

/** `warden types <file.wit> [--world NAME] [--out FILE]`: options may come before or after the file. */
function parseTypesArgs(rest: readonly string[]): Command {
  const cmd: TypesCommand = { command: 'types', file: '', world: null, out: null };
  const files: string[] = [];
  let endOfOptions = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (endOfOptions || !a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    if (a === '--') {
      endOfOptions = true;
      continue;
    }
    if (a === '--help' || a === '-h') return { command: 'help' };
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (flag !== '--world' && flag !== '--out') throw new UsageError(`unknown option "${a}" for types (see "warden --help")`);
    const v = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : rest[++i];
    if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
    if (flag === '--world') cmd.world = v;
    else cmd.out = v;
  }
  if (files.length === 0) throw new UsageError('no WIT file given: warden types <file.wit> [--world NAME] [--out FILE]');
  if (files.length > 1) throw new UsageError(`warden types takes one WIT file, got ${files.length}: ${files.join(' ')}`);
  cmd.file = files[0]!;
  return cmd;
}

/** The text of `warden --help`. */
export const HELP = `warden: run WebAssembly programs built for WASI preview 1

Usage:
  warden run [options] <module.wasm> [args...]
  warden types <file.wit> [--world NAME] [--out FILE]
  warden --help | --version

Options of run (before the module; everything after it goes to the program):
  --dir <HOST[::GUEST]>     preopen a host directory read-write (GUEST defaults to HOST)
  --ro-dir <HOST[::GUEST]>  preopen a host directory read-only
  --overlay <HOST[::GUEST]> preopen a copy-on-write view of a host directory: the guest may change
                            it, the changes stay in memory, the host directory is never changed
  --mem-dir <GUEST>         preopen an empty in-memory directory
  --env <NAME=VALUE>        set an environment variable (repeatable); --env NAME copies it from the host
  --listen <HOST:PORT>      give the program a listening TCP socket (repeatable; fds 3, 4, ...
                            before the preopened dirs)
  --blocking <HOW>          how the program waits for the host: jspi (suspended in this thread;
                            needs an engine with JSPI), worker (in a worker thread; not with
                            --overlay or --trace), sync (this thread blocks; not with --listen),
                            or auto (default: jspi if the engine has it, else worker with
                            --listen, else sync)
  --inherit-env             pass the whole host environment
  --trace                   print every WASI call with its arguments and result to stderr
  --                        end of options

The exit code is the program's. A trap prints its message and exits 134;
a usage error, a missing or invalid module, or missing imports exit 2.

types: prints TypeScript declarations for a WIT file (its named types, the shape of a host
implementation of each imported interface, and <World>Imports / <World>Exports per world).
  --world <NAME>            describe only this world (default: every world of the file's package)
  --out <FILE>              write the declarations to FILE instead of stdout
An unreadable file or an invalid WIT text (reported as file:line:column) exits 2.
`;
