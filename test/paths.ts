// Locates files of the repository from compiled tests (which run from build/).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (tests are compiled to build/test/..., two or three levels below it). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A path inside the repository. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}
