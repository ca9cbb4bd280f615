// Owns: the public exports of src/wit (the WIT parser, the TypeScript generator and the model types).
// Must not: contain logic; keep it a plain list of `export ... from` lines.
export { parseWit, type ParseWitOptions } from './parse.js';
export { WitError } from './error.js';
export { generateTypes, type GenerateTypesOptions } from './typescript.js';
export type { PrimitiveKind, ResourceDef, WitType, Param, FunctionDef, PackageName, InterfaceDef, UsedName, WorldItem, WorldDef, WitPackage, WitDocument } from './model.js';
export { camelCase, pascalCase } from './names.js';
export { layoutOf, codecOf, ImportPlan, ExportPlan, LinearMemory, CallContext, AbiError, guestFault, hostFault, invalidUtf8At, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, type AbiHost, type Codec, type Sink, type CoreType, type TypeLayout } from './abi.js';
