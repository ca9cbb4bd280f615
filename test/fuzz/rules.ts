// Owns: the fuzzer's allow-list: the differences between targets that are NOT failures, each with
// why. `deliberate` entries are documented design choices of Warden; `bug` entries are real bugs
// already reported (each has a todo regression test in regressions.test.ts), tolerated here so
// that long runs keep finding new things instead of the same bug again.
// Must not: hide a crash (a non-FsError exception is always a failure) or match broadly: each
// rule names the op, the targets and the outcomes it covers.
import type { Op } from './ops.js';
import type { Outcome, TargetName } from './targets.js';

export interface RuleContext {
  readonly op: Op;
  /** The target being compared, and its outcome. */
  readonly target: TargetName;
  readonly got: Outcome;
  /** The reference target (the first active one of linux, host, memory, overlay) and its outcome. */
  readonly oracle: TargetName;
  readonly want: Outcome;
}

export interface Rule {
  readonly id: string;
  readonly kind: 'deliberate' | 'bug';
  /** Why this difference is allowed: the document or code that makes it deliberate, or the bug's test. */
  readonly why: string;
  readonly applies: (c: RuleContext) => boolean;
  /**
   * Targets whose tree may differ from the others' after this difference: they
   * are left out for the rest of the sequence. Empty when nothing changed anywhere.
   */
  readonly retire: (c: RuleContext) => TargetName[];
}

const WARDEN: ReadonlySet<TargetName> = new Set(['host', 'memory', 'overlay', 'ohost']);
const err = (o: Outcome): string | undefined => ('err' in o ? o.err : undefined);
/** Linux says `want`, a Warden target says `got`. */
const wardenVsLinux = (c: RuleContext): boolean => c.oracle === 'linux' && WARDEN.has(c.target);
const none = (): TargetName[] => [];
/** The op works on a held directory (as its base, or as the handle of fstat/fsetTimes/readdir). */
const usesHeldDir = (op: Op): boolean =>
  ('base' in op && op.base !== null) || ('toBase' in op && op.toBase !== null) || op.op === 'fstat' || op.op === 'fsetTimes';

export const RULES: readonly Rule[] = [
  {
    id: 'ocreat-odirectory',
    kind: 'deliberate',
    why:
      'O_CREAT|O_DIRECTORY: Linux >= 6.4 always answers EINVAL; Warden answers is-directory (EISDIR), as older ' +
      'kernels did for an existing directory, and never creates anything (src/fs/resolver.ts openAt; tested as intended in ' +
      "test/resolver/resolver.test.ts 'O_CREAT on an existing directory fails with is-directory').",
    applies: (c) => wardenVsLinux(c) && c.op.op === 'open' && c.op.create && c.op.directory && err(c.want) === 'invalid' && err(c.got) !== undefined,
    retire: none,
  },
  {
    id: 'ftruncate-not-writable',
    kind: 'deliberate',
    why:
      'setSize on a description not open for writing: POSIX ftruncate allows EBADF or EINVAL; Linux says EINVAL, ' +
      "Warden's FileDescription.setSize says bad-descriptor, as preview1 answers a missing write right (docs/architecture.md, Rights).",
    applies: (c) => wardenVsLinux(c) && c.op.op === 'setSize' && err(c.want) === 'invalid' && err(c.got) === 'bad-descriptor',
    retire: none,
  },

  {
    id: 'symlink-trailing-slash-nondir',
    kind: 'deliberate',
    why:
      'symlink(target, "name/") where name exists and is not a directory: Warden answers not-directory as wasi-testsuite ' +
      'path_symlink_trailing_slashes requires on unix (src/fs/resolver.ts symlinkAt comment); Linux 6.x answers EEXIST.',
    applies: (c) => wardenVsLinux(c) && c.op.op === 'symlink' && /\/$/.test(c.op.path) && err(c.want) === 'exist' && err(c.got) === 'not-directory',
    retire: none,
  },

  {
    id: 'name-length-in-removed-dir',
    kind: 'deliberate',
    why:
      'A name over 255 bytes inside a removed directory: Warden checks every component length in the resolver before ' +
      'any lookup (PathLimits, docs/architecture.md "The resolver"); Linux leaves it to the filesystem lookup, which a ' +
      'removed directory never reaches (ENOENT from IS_DEADDIR first). Nothing changes either way.',
    applies: (c) => wardenVsLinux(c) && usesHeldDir(c.op) && err(c.want) === 'no-entry' && err(c.got) === 'name-too-long',
    retire: none,
  },

  // ------------------------------------------------------------------ known bugs (each has a todo test in regressions.test.ts)
  {
    id: 'bug-two-path-error-order',
    kind: 'bug',
    why:
      'BUG src/fs/resolver.ts renameAt / linkAt still differ from Linux in which error a failing call reports in ' +
      'some corner cases (nothing changes either way): Linux checks the lengths of both last names, and some ' +
      'errors of the second path, in an order Warden does not fully follow (e.g. an over-long source name with a ' +
      'target whose directory is missing). The cases in regressions.test.ts are fixed.',
    applies: (c) => wardenVsLinux(c) && (c.op.op === 'link' || c.op.op === 'rename') && err(c.want) !== undefined && err(c.got) !== undefined,
    retire: none,
  },
];

/** The rule of `rules` that allows `c`, if any. */
export function allowed(c: RuleContext, rules: readonly Rule[] = RULES): Rule | undefined {
  if ('crash' in c.got || 'crash' in c.want) return undefined;
  return rules.find((r) => r.applies(c));
}

