// Owns: the public surface of the capability table.
export { Resource } from './resource.js';
export { Table, HandleBudget, DEFAULT_TABLE_CAPACITY, type Slot, type TableOptions } from './table.js';
