// Owns: WitError, the one error the WIT front end (lexer, parser, resolver) throws.
// Must not: know about tokens, the model or anything beyond formatting a position.
import { WardenError } from '../errors.js';

/**
 * A WIT text is invalid. The message is `filename:line:column: what was expected and where`,
 * so it can be printed as it is; the position is also available as fields.
 */
export class WitError extends WardenError {
  /** The file name given to the parser (or `<wit>`). */
  readonly filename: string;
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column (in UTF-16 code units) of the offending token. */
  readonly column: number;
  /** The message without the position prefix. */
  readonly detail: string;
  constructor(filename: string, line: number, column: number, detail: string) {
    super('ERR_WARDEN_WIT', `${filename}:${line}:${column}: ${detail}`);
    this.filename = filename;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}
