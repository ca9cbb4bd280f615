// Owns: the public surface of the plugin runtime.
// Must not: contain logic.
export { definePlugin, ROOT_MODULE, type Plugin, type PluginDefinition, type PluginContext, type Implementation, type ProvidedModule } from './define.js';
export { instantiate, instantiateSync, GuestInstance, type InstantiateOptions, type GuestExports } from './runtime.js';
export { GuestResource, HostResource, BorrowedHandle, GuestOwnHandle } from './handles.js';
export { wasmPlugin, type WasmPluginOptions } from './compose.js';
export { BufferTable, MAX_BUFFERS, BUFFERS_MODULE } from './buffers.js';
