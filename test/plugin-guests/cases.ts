// The hostile cases of cases.json, their types and the WIT they target, shared by the test files.
import { readFileSync } from 'node:fs';
import { parseWit } from '../../src/wit/parse.js';
import { repoPath } from '../paths.js';

/** One hostile (or control) call: which module exports it, what it targets, what must happen. */
export interface Case {
  module: string;
  export: string;
  function: string;
  expect: 'ok' | 'trap';
  mustContain?: string[];
  received?: unknown[];
  calls?: number;
  why: string;
}

/** cases.json. */
export interface Cases {
  wit: string;
  interface: string;
  modules: Record<string, { wasm: string; source: string; world: string }>;
  cases: Case[];
}

export const dir = 'test/plugin-guests';
export const cases = JSON.parse(readFileSync(repoPath(dir, 'cases.json'), 'utf8')) as Cases;
export const hostileWit = readFileSync(repoPath(dir, cases.wit), 'utf8');
export const hostile = parseWit(hostileWit);
export const hostileIface = hostile.main.interfaces.get('hostile')!;
