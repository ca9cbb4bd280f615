// HostBackend (src/node/host-backend.ts) against the backend contract. Each case gets a fresh
// temporary directory, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostBackend } from '../../src/node/host-backend.js';
import { backendContract } from './backend-contract.js';

backendContract(
  'HostBackend',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-contract-'));
    return { backend: new HostBackend(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  },
  {
    // The kernel stamps files from a coarse clock; lutimes takes seconds as a double.
    clockTickMs: 20,
    timeErrorNs: 1_000n,
    known: {},
  },
);
