// Owns: turning WIT text into tokens (identifiers, keywords, versions, operators), comments and doc
// comments, identifier validation, and source positions (offset -> line:column) for error messages.
// Must not: know the WIT grammar beyond single tokens.
import { WitError } from './error.js';

/** WIT's reserved words (WIT.md, "Keywords"); `%name` escapes them. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'as', 'async', 'bool', 'borrow', 'char', 'constructor', 'enum', 'export', 'f32', 'f64', 'flags', 'from',
  'func', 'future', 'import', 'include', 'interface', 'list', 'map', 'option', 'own', 'package', 'record',
  'resource', 'result', 's16', 's32', 's64', 's8', 'static', 'stream', 'string', 'tuple', 'type', 'u16',
  'u32', 'u64', 'u8', 'use', 'variant', 'with', 'world',
]);

/** Kinds of token. `id` is an identifier (escaped or not a keyword); `version` is a semver. */
export type TokenKind = 'id' | 'keyword' | 'int' | 'version' | 'string' | 'op' | 'eof';

/** One token. `text` is the identifier without `%`, the keyword, the operator or the literal's value. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset of the first character in the source. */
  readonly start: number;
  /** Offset just after the last character. */
  readonly end: number;
  /** Doc comments (`///`, `/** *\/`) right before this token, joined with newlines. */
  readonly docs: string | undefined;
}

/** A WIT text with its file name, turning offsets into `line:column` and raising {@link WitError}s. */
export class Source {
  readonly text: string;
  readonly filename: string;
  private readonly lineStarts: number[] = [0];
  constructor(text: string, filename: string) {
    this.text = text;
    this.filename = filename;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  /** 1-based line and column of `offset`. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
  /** An error at `offset`. */
  error(offset: number, message: string): WitError {
    const { line, column } = this.position(offset);
    return new WitError(this.filename, line, column, message);
  }
}

const WORD = /^(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)$/;
const VALID_ID = /^(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(?:-(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*))*$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Why `name` is not a valid WIT identifier, or null if it is one (kebab-case words). */
export function identifierProblem(name: string): string | null {
  if (VALID_ID.test(name)) return null;
  if (name === '') return 'an identifier cannot be empty';
  for (const word of name.split('-')) {
    if (word === '') return `"${name}" is not a valid identifier: words are separated by single dashes, with none at the start or end`;
    if (!/^[A-Za-z]/.test(word)) return `"${name}" is not a valid identifier: each dash-separated word must start with a letter ("${word}" does not)`;
    if (!WORD.test(word)) return `"${name}" is not a valid identifier: each word must be all lowercase or all uppercase ("${word}" mixes cases); use kebab-case`;
  }
  return null;
}

/** True if `text` is a semantic version (semver 2.0). */
export function isSemver(text: string): boolean {
  return SEMVER.test(text);
}

const isIdChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45;
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isVersionChar = (c: number): boolean => isIdChar(c) || c === 46 || c === 43;

const SINGLE_OPS = new Set(['=', ',', ':', ';', '(', ')', '{', '}', '<', '>', '*', '/', '.', '@', '_']);

/** Splits `src` into tokens, ending with one `eof` token. Throws {@link WitError} on a bad character or identifier. */
export function tokenize(src: Source): Token[] {
  const text = src.text;
  const bad = /[\u202A-\u202E\u2066-\u2069\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/.exec(text);
  if (bad !== null) {
    const cp = bad[0].charCodeAt(0);
    throw src.error(bad.index, `WIT text must not contain control or bidirectional-override characters (found U+${cp.toString(16).toUpperCase().padStart(4, '0')})`);
  }
  const tokens: Token[] = [];
  let docs: string[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number, end: number): void => {
    tokens.push({ kind, text: value, start, end, docs: docs.length > 0 ? docs.join('\n') : undefined });
    docs = [];
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      let e = text.indexOf('\n', i);
      if (e < 0) e = text.length;
      if (text.charCodeAt(i + 2) === 47 && text.charCodeAt(i + 3) !== 47) {
        docs.push(text.slice(i + 3, e).replace(/\r$/, '').replace(/^ /, ''));
      }
      i = e;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const start = i;
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (i >= text.length) throw src.error(start, 'unterminated block comment: "/*" has no matching "*/"');
        if (text.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
      if (text.charCodeAt(start + 2) === 42 && i - start > 4 && text.charCodeAt(start + 3) !== 42) {
        const body = text.slice(start + 3, i - 2);
        docs.push(
          body
            .split('\n')
            .map((l) => l.replace(/\r$/, '').replace(/^\s*\* ?/, ''))
            .join('\n')
            .trim(),
        );
      }
      continue;
    }
    const start = i;
    if (c === 37 /* % */ || isLetter(c)) {
      const escaped = c === 37;
      if (escaped) i++;
      const wordStart = i;
      while (i < text.length && isIdChar(text.charCodeAt(i))) {
        // `name->` : the dash belongs to the arrow.
        if (text.charCodeAt(i) === 45 && text.charCodeAt(i + 1) === 62) break;
        i++;
      }
      const name = text.slice(wordStart, i);
      const problem = identifierProblem(name);
      if (problem !== null) throw src.error(start, escaped && name === '' ? 'expected an identifier after "%"' : problem);
      push(!escaped && KEYWORDS.has(name) ? 'keyword' : 'id', name, start, i);
      continue;
    }
    if (isDigit(c)) {
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
        while (i < text.length && isVersionChar(text.charCodeAt(i))) {
          if (text.charCodeAt(i) === 45 && text.charCodeAt(i + 1) === 62) break;
          i++;
        }
        // `use ns:pkg/iface@1.2.3.{a}`: the dot before `{` is not part of the version.
        while (text.charCodeAt(i - 1) === 46) i--;
        const v = text.slice(start, i);
        if (!isSemver(v)) throw src.error(start, `"${v}" is not a valid semantic version (expected e.g. 1.2.3 or 0.2.0-rc.1)`);
        push('version', v, start, i);
      } else {
        push('int', text.slice(start, i), start, i);
      }
      continue;
    }
    if (c === 34 /* " */) {
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length || text.charCodeAt(i) === 10) throw src.error(start, 'unterminated string literal');
        const ch = text[i]!;
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\') {
          const n = text[i + 1];
          if (n === 'n') value += '\n';
          else if (n === 't') value += '\t';
          else if (n === 'r') value += '\r';
          else if (n === '"' || n === "'" || n === '\\') value += n;
          else if (n === 'u' && text[i + 2] === '{') {
            const close = text.indexOf('}', i);
            const cp = close < 0 ? NaN : parseInt(text.slice(i + 3, close), 16);
            if (!(cp >= 0 && cp <= 0x10ffff)) throw src.error(i, 'invalid \\u{...} escape in string literal');
            value += String.fromCodePoint(cp);
            i = close + 1;
            continue;
          } else if (n !== undefined && /[0-9a-fA-F]/.test(n) && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
            value += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
            i += 3;
            continue;
          } else throw src.error(i, 'invalid escape in string literal');
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      push('string', value, start, i);
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 62) {
      i += 2;
      push('op', '->', start, i);
      continue;
    }
    const ch = text[i]!;
    if (SINGLE_OPS.has(ch)) {
      i++;
      push('op', ch, start, i);
      continue;
    }
    const cp = text.codePointAt(i)!;
    const shown = cp < 32 || cp === 127 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `"${String.fromCodePoint(cp)}"`;
    throw src.error(i, `unexpected character ${shown}`);
  }
  push('eof', '', text.length, text.length);
  return tokens;
}
