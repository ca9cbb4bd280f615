// Worker side of the describeHandle/adoptHandle test: adopts two served directories (of one
// namespace, described separately) and a host directory, and reports what each operation gave.
import { parentPort, workerData } from 'node:worker_threads';
import type { DirDescription, FileDescription } from '../../src/index.js';
import { errorCodeOf, req } from '../helpers.js';
import { adoptHandle, type HandleDescriptor } from '../../src/node/index.js';

const [a, b, h] = (workerData as HandleDescriptor[]).map((d) => adoptHandle(d).retain() as DirDescription);
const outcome = (f: () => unknown): string => errorCodeOf(f) ?? 'ok';
const read = req();
const report: Record<string, string> = {
  renameWithin: outcome(() => a!.rename('one.txt', a!, 'uno.txt')),
  // Two describeHandle calls are two connections: like two mounts, a rename between them is EXDEV.
  renameAcross: outcome(() => a!.rename('uno.txt', b!, 'moved.txt')),
  renameToHost: outcome(() => h!.rename('three.txt', a!, 'three.txt')),
  listA: a!.list(0n).map((e) => e.name).join(','),
  readHost: (() => {
    const f = h!.open('three.txt', read) as FileDescription;
    const buf = new Uint8Array(8);
    const n = f.read(buf);
    f.retain().release();
    return new TextDecoder().decode(buf.subarray(0, n));
  })(),
  escape: outcome(() => h!.open('../x', read)),
};
for (const d of [a, b, h]) d!.release();
parentPort?.postMessage(report);
