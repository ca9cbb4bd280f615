// Owns: the static facts of the canonical ABI for a WIT type: size and alignment in linear memory,
// discriminant widths, field and payload offsets, and flattening into core wasm value types.
// Must not: touch guest memory or JS values (src/wit/abi.ts does).
import type { WitType } from './model.js';

/** A core wasm value type, as the canonical ABI flattens WIT types into them. */
export type CoreType = 'i32' | 'i64' | 'f32' | 'f64';

/** At most this many flat parameters are passed as core parameters; more go through memory. */
export const MAX_FLAT_PARAMS = 16;
/** At most this many flat results are returned as core results; more go through memory. */
export const MAX_FLAT_RESULTS = 1;

/** Size and alignment in linear memory, and the flat core types, of one WIT type. */
export interface TypeLayout {
  /** Bytes the value takes in linear memory (a multiple of `align`). */
  readonly size: number;
  /** Its alignment in bytes: 1, 2, 4 or 8. */
  readonly align: number;
  /** The core value types it flattens to. */
  readonly flat: readonly CoreType[];
}

const cache = new WeakMap<WitType, TypeLayout>();

/** Rounds `n` up to a multiple of `align` (a power of two). */
export function alignTo(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** Byte width of the discriminant of a variant (or enum) with `cases` cases: 1, 2 or 4. */
export function discriminantSize(cases: number): 1 | 2 | 4 {
  if (cases <= 0x100) return 1;
  if (cases <= 0x10000) return 2;
  return 4;
}

/** Byte size of a flags value with `count` flags: 1, 2, or 4 per started group of 32. */
export function flagsSize(count: number): number {
  if (count === 0) return 0;
  if (count <= 8) return 1;
  if (count <= 16) return 2;
  return 4 * Math.ceil(count / 32);
}

/** How many i32 a flags value with `count` flags flattens to. */
export function flagsWords(count: number): number {
  return Math.ceil(count / 32);
}

/** The payload types of a variant-like type (variant, option, result, enum), one per case (null = no payload). */
export function caseTypes(t: WitType): (WitType | null)[] {
  switch (t.kind) {
    case 'variant':
      return t.cases.map((c) => c.type);
    case 'option':
      return [null, t.some];
    case 'result':
      return [t.ok, t.err];
    case 'enum':
      return t.cases.map(() => null);
    default:
      throw new TypeError(`${t.kind} is not a variant-like type`);
  }
}

/** Offsets of the fields of a record (or the items of a tuple), in order. */
export function fieldOffsets(types: readonly WitType[]): number[] {
  const out: number[] = [];
  let off = 0;
  for (const t of types) {
    const l = layoutOf(t);
    off = alignTo(off, l.align);
    out.push(off);
    off += l.size;
  }
  return out;
}

/** Offset of the payload of a variant-like type: after the discriminant, aligned for the widest case. */
export function payloadOffset(cases: readonly (WitType | null)[]): number {
  let maxAlign = 1;
  for (const c of cases) if (c !== null) maxAlign = Math.max(maxAlign, layoutOf(c).align);
  return alignTo(discriminantSize(cases.length), maxAlign);
}

/** Joins two flat types of variant cases sharing a position: equal stays, i32+f32 is i32, else i64. */
export function joinCore(a: CoreType, b: CoreType): CoreType {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

function recordLayout(types: readonly WitType[]): TypeLayout {
  let size = 0;
  let align = 1;
  const flat: CoreType[] = [];
  for (const t of types) {
    const l = layoutOf(t);
    size = alignTo(size, l.align) + l.size;
    align = Math.max(align, l.align);
    flat.push(...l.flat);
  }
  return { size: alignTo(size, align), align, flat };
}

function variantLayout(cases: readonly (WitType | null)[]): TypeLayout {
  let align: number = discriminantSize(cases.length);
  let payload = 0;
  const joined: CoreType[] = [];
  for (const c of cases) {
    if (c === null) continue;
    const l = layoutOf(c);
    align = Math.max(align, l.align);
    payload = Math.max(payload, l.size);
    l.flat.forEach((ft, i) => {
      joined[i] = i < joined.length ? joinCore(joined[i]!, ft) : ft;
    });
  }
  const size = alignTo(payloadOffset(cases) + payload, align);
  return { size, align, flat: ['i32', ...joined] };
}

/** The canonical-ABI layout of a WIT type (cached per type object). */
export function layoutOf(t: WitType): TypeLayout {
  const hit = cache.get(t);
  if (hit !== undefined) return hit;
  let l: TypeLayout;
  switch (t.kind) {
    case 'bool':
    case 's8':
    case 'u8':
      l = { size: 1, align: 1, flat: ['i32'] };
      break;
    case 's16':
    case 'u16':
      l = { size: 2, align: 2, flat: ['i32'] };
      break;
    case 's32':
    case 'u32':
    case 'char':
      l = { size: 4, align: 4, flat: ['i32'] };
      break;
    case 'f32':
      l = { size: 4, align: 4, flat: ['f32'] };
      break;
    case 's64':
    case 'u64':
      l = { size: 8, align: 8, flat: ['i64'] };
      break;
    case 'f64':
      l = { size: 8, align: 8, flat: ['f64'] };
      break;
    case 'string':
    case 'list':
      l = { size: 8, align: 4, flat: ['i32', 'i32'] };
      break;
    case 'own':
    case 'borrow':
      l = { size: 4, align: 4, flat: ['i32'] };
      break;
    case 'record':
      l = recordLayout(t.fields.map((f) => f.type));
      break;
    case 'tuple':
      l = recordLayout(t.items);
      break;
    case 'enum': {
      const d = discriminantSize(t.cases.length);
      l = { size: d, align: d, flat: ['i32'] };
      break;
    }
    case 'flags': {
      const size = flagsSize(t.flags.length);
      l = { size, align: Math.min(Math.max(size, 1), 4), flat: new Array<CoreType>(flagsWords(t.flags.length)).fill('i32') };
      break;
    }
    case 'variant':
    case 'option':
    case 'result':
      l = variantLayout(caseTypes(t));
      break;
  }
  cache.set(t, l);
  return l;
}

/** The flat core types of a list of types (a function's parameters). */
export function flattenTypes(types: readonly WitType[]): CoreType[] {
  const out: CoreType[] = [];
  for (const t of types) out.push(...layoutOf(t).flat);
  return out;
}

/** Prints a WIT type as WIT source (`list<option<string>>`, `record entry`) for messages. */
export function typeName(t: WitType): string {
  switch (t.kind) {
    case 'list':
      return `list<${typeName(t.element)}>`;
    case 'option':
      return `option<${typeName(t.some)}>`;
    case 'result':
      if (t.ok === null && t.err === null) return 'result';
      return `result<${t.ok === null ? '_' : typeName(t.ok)}${t.err === null ? '' : `, ${typeName(t.err)}`}>`;
    case 'tuple':
      return `tuple<${t.items.map(typeName).join(', ')}>`;
    case 'record':
    case 'variant':
    case 'enum':
    case 'flags':
      return `${t.kind} ${t.name}`;
    case 'own':
      return `own<${t.resource.name}>`;
    case 'borrow':
      return `borrow<${t.resource.name}>`;
    default:
      return t.kind;
  }
}
