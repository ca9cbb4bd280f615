// Owns: the browser entry point (`warden/browser`): the core plus running guests in Web Workers.
// Must not: hold logic the core needs, or use Node APIs.

export * from '../index.js';
export { runInWorker, runGuest, type BrowserRunOptions, type BrowserRunResult, type BrowserInput, type BrowserOutput } from './worker-runner.js';
export { describeStream, adoptStream, isSharedStream, type SharedStream, type StreamDescriptor } from '../io/transfer.js';
