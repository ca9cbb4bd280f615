// Owns: the public API of the platform-neutral core.
// Must not: export anything that needs Node.
export { Wasi, DEFAULT_MAX_ARGS_ENV_BYTES, compile, checkImports, type WasiOptions, type RunResult, type InputSpec, type OutputSpec, type PlacedHandle, type HandleRights } from './wasi.js';
export { Namespace, type NamespaceOptions, type MountOptions } from './fs/namespace.js';
export { MemoryBackend, DEFAULT_MEMORY_MAX_BYTES, type MemoryBackendOptions, type MemoryNode } from './fs/memory/memory-backend.js';
export { ReadOnlyBackend } from './fs/virtual/read-only.js';
export { OverlayBackend, OverlayNode, UPPER_INO_BASE, type OverlayOptions, type OverlayChange, type OverlayChangeKind, type DeletedChange, type FileChange, type DirectoryChange, type SymlinkChange, type PresentChangeBase } from './fs/overlay/overlay-backend.js';
export { fillRandom, pooledRandom } from './random.js';
export { VirtualBackend, VirtualNode, callbackFile, devices, type CallbackFileSpec, type VirtualTree } from './fs/virtual/virtual-backend.js';
export { FileDescription, DirDescription, type DescriptionFlags, type Whence } from './fs/descriptor.js';
export { DEFAULT_PATH_LIMITS, type PathLimits } from './fs/limits.js';
export type { Backend, AnyBackend, FileIO, FileType, NodeStat, Stat, DirEntry, TimeChange, OpenAccess } from './fs/types.js';
export { StreamHandle, BytesSource, CallbackSource, CallbackSink, CaptureSink, NullStream } from './io/stream.js';
export { SocketHandle, SocketListener, ChannelSocket, QueueListener } from './io/socket.js';
export { createPipe, PipeReader, PipeWriter, DEFAULT_PIPE_CAPACITY, type PipeShared } from './io/pipe.js';
export { createChannel, ChannelEnd, type ChannelShared } from './io/channel.js';
export { pipeFromReadableStream, pipeToWritableStream, type PumpEnd, type PumpedReader, type PumpedWriter, type PumpOptions, type SinkPumpOptions } from './io/web-streams.js';
export { Resource, Table, HandleBudget, DEFAULT_TABLE_CAPACITY, type Slot, type TableOptions } from './table/index.js';
export { WardenError, FsError, ProcExit, Trap, ConfigError, ModuleError, isErrorCode, type ErrorCode } from './errors.js';
export type { Clocks, FdMeta } from './p1/context.js';
export type { Tracer, TraceResult } from './p1/imports.js';
export { Rights } from './p1/layout.js';
export { AsyncSource, AsyncSink } from './io/async-stream.js';
export { type BlockingStrategy, type BlockingChoice, StrategyError, chooseStrategy, availableStrategies, jspiSupported, sharedMemorySupported, suspendingImports, promisingExport } from './bridge/index.js';
export { parseWit, generateTypes, WitError, camelCase, pascalCase, type ParseWitOptions, type GenerateTypesOptions, type WitDocument, type WitPackage, type WorldDef, type InterfaceDef, type FunctionDef, type ResourceDef, type WitType } from './wit/index.js';
export { definePlugin, wasmPlugin, instantiate, instantiateSync, GuestInstance, GuestResource, type Plugin, type PluginDefinition, type PluginContext, type InstantiateOptions, type GuestExports, type Implementation } from './plugin/index.js';
