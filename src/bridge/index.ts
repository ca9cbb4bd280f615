// Owns: the public face of the blocking layer.
// Must not: hold logic.
export { type BlockingStrategy, type BlockingChoice, StrategyError, chooseStrategy, availableStrategies, jspiSupported, sharedMemorySupported } from './strategy.js';
export { suspendingImports, promisingExport } from './jspi.js';
