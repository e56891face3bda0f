// Zod schemas in genlab's voice: field help, leaf lookup by key path, and one-line errors that name the path.
import { z } from 'zod';
import { InputError, unknownName } from '../engine/index.js';

/** What a field tells people: its help text, and the flag that sets it where a command takes one. */
export interface FieldInfo {
  help: string;
  flag?: string; // without the leading --
  placeholder?: string; // shown in help, e.g. N, X
}

/** Help and flags of schema fields (registered on the field as declared, default and all). */
export const FIELD_INFO = z.registry<FieldInfo>();

/** Registers a field's help (and flag); returns the field. */
export function field<T extends z.ZodType>(schema: T, info: FieldInfo): T {
  FIELD_INFO.add(schema as z.ZodType, info);
  return schema;
}

/** The largest finite float32: numbers that reach a float32 tensor (a learning rate) must fit in it. */
export const FLOAT32_MAX = 3.4028234663852886e38;

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; entries?: Record<string, string> };
const def = (s: z.ZodType): Def => s._zod.def as unknown as Def;

/** The field without its default, optional or nullable wrapping; `nullable` says whether null passes. */
export function unwrap(s: z.ZodType): { core: z.ZodType; nullable: boolean; optional: boolean } {
  let nullable = false;
  let optional = false;
  for (;;) {
    const d = def(s);
    if (d.type === 'nullable') nullable = true;
    if (['default', 'prefault', 'optional'].includes(d.type)) optional = true;
    if (!['default', 'prefault', 'optional', 'nullable'].includes(d.type))
      return { core: s, nullable, optional };
    s = d.innerType as z.ZodType;
  }
}

/** The default a field takes when absent (undefined where it has none, e.g. lr follows the model). */
export function defaultOf(s: z.ZodType): unknown {
  const r = s.safeParse(undefined);
  return r.success ? r.data : undefined;
}

export function isObject(s: z.ZodType): s is z.ZodObject {
  return def(unwrap(s).core).type === 'object';
}

function shapeOf(s: z.ZodType): Record<string, z.ZodType> {
  return (unwrap(s).core as z.ZodObject).shape as Record<string, z.ZodType>;
}

/** A number's bounds: [min, max] with exclusivity; undefined where unbounded. */
export interface Bounds {
  int: boolean;
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
}

export function boundsOf(s: z.ZodType): Bounds | null {
  const core = unwrap(s).core;
  if (def(core).type !== 'number') return null;
  const b: Bounds = { int: (core as z.ZodNumber).format === 'safeint' };
  const checks = (core._zod.def.checks ?? []) as unknown as { _zod: { def: Record<string, unknown> } }[];
  for (const c of checks) {
    const { check, value, inclusive } = c._zod.def as { check: string; value: number; inclusive: boolean };
    if (check === 'greater_than') Object.assign(b, { min: value, minExclusive: !inclusive });
    if (check === 'less_than') Object.assign(b, { max: value, maxExclusive: !inclusive });
  }
  return b;
}

/** The choices of an enum field (or of a list's items); null for other fields. */
export function choicesOf(s: z.ZodType): readonly string[] | null {
  const d = def(unwrap(s).core);
  if (d.type === 'enum') return Object.values(d.entries ?? {});
  if (d.type === 'array') return choicesOf(d.element as z.ZodType);
  return null;
}

/** The kind of a leaf, as flags and `--set` read it. */
export function kindOf(s: z.ZodType): 'int' | 'number' | 'bool' | 'string' | 'enum' | 'list' | 'object' {
  const core = unwrap(s).core;
  const t = def(core).type;
  if (t === 'number') return (core as z.ZodNumber).format === 'safeint' ? 'int' : 'number';
  if (t === 'boolean') return 'bool';
  if (t === 'enum') return 'enum';
  if (t === 'array') return 'list';
  if (t === 'object') return 'object';
  return 'string';
}

/** What a field accepts, in words: `an integer ≥ 1`, `a number in [0, 1)`, `one of a, b`. */
export function describe(s: z.ZodType): string {
  const { core, nullable } = unwrap(s);
  const orNull = nullable ? ' or null' : '';
  const kind = kindOf(core);
  const b = boundsOf(core);
  if (b) {
    const noun = b.int ? 'an integer' : 'a number';
    const max = b.max === FLOAT32_MAX ? undefined : b.max; // float32's limit is named only when crossed
    if (max === undefined && b.min === undefined) return noun + orNull;
    if (max === undefined && b.min === 0 && b.minExclusive)
      return `a positive ${b.int ? 'integer' : 'number'}${orNull}`;
    if (max === undefined) return `${noun} ${b.minExclusive ? '>' : '≥'} ${b.min}${orNull}`;
    const lo = b.min === undefined ? '(-∞' : `${b.minExclusive ? '(' : '['}${b.min}`;
    return `${noun} in ${lo}, ${max}${b.maxExclusive ? ')' : ']'}${orNull}`;
  }
  if (kind === 'bool') return `true or false${orNull}`;
  if (kind === 'enum') return `one of ${(choicesOf(core) ?? []).join(', ')}${orNull}`;
  if (kind === 'list') return `a list of items from ${(choicesOf(core) ?? []).join(', ')}`;
  if (kind === 'object') return 'an object';
  return `a string${orNull}`;
}

/** The leaf paths of an object schema (`train.schedule.gamma`), in declaration order. */
export function leafPaths(s: z.ZodType, prefix = ''): string[] {
  return Object.entries(shapeOf(s)).flatMap(([k, v]) =>
    isObject(v) ? leafPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** The field at a dotted path, or an error naming the path with a did-you-mean. */
export function fieldAt(schema: z.ZodType, keyPath: string, where: string): z.ZodType {
  let node = schema;
  const seen: string[] = [];
  for (const k of keyPath.split('.')) {
    if (!isObject(node)) throw new InputError(`${where}: "${keyPath}": ${seen.join('.')} has no sub-keys`);
    const shape = shapeOf(node);
    if (!Object.hasOwn(shape, k))
      throw unknownName(`${where}: ${seen.join('.') || 'config'}`, 'key', k, Object.keys(shape));
    node = shape[k];
    seen.push(k);
  }
  if (isObject(node))
    throw new InputError(
      `${where}: "${keyPath}" is a section; expected a key inside it, one of ${Object.keys(shapeOf(node)).join(', ')}`,
    );
  return node;
}

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** `where` and a key path: `presets/x.json: base` + train.lr, or `genlab fit:` + train.lr. */
function at(where: string, path: PropertyKey[]): string {
  if (path.length === 0) return where.replace(/:$/, '');
  return path.reduce<string>(
    (w, k) =>
      typeof k === 'number' ? `${w}[${k}]` : w.endsWith(':') ? `${w} ${String(k)}` : `${w}.${String(k)}`,
    where,
  );
}

function valueAt(x: unknown, path: PropertyKey[]): unknown {
  let node = x;
  for (const k of path)
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined;
  return node;
}

function schemaAt(s: z.ZodType, path: PropertyKey[]): z.ZodType {
  let node = s;
  for (const k of path) {
    const d = def(unwrap(node).core);
    node = d.type === 'array' ? (d.element as z.ZodType) : (shapeOf(node)[k as string] ?? node);
  }
  return node;
}

/** The first issue of a failed parse as one line: `<where>.<path>: <what>; expected <x>, got <y>`. */
export function issueError(
  schema: z.ZodType,
  value: unknown,
  issue: z.core.$ZodIssue,
  where: string,
): InputError {
  const here = at(where, issue.path);
  const v = valueAt(value, issue.path);
  const s = schemaAt(schema, issue.path);
  if (issue.code === 'unrecognized_keys')
    return unknownName(here, 'key', issue.keys[0], Object.keys(shapeOf(s)));
  if (issue.code === 'custom') return new InputError(`${here}: ${issue.message}`);
  const choices = choicesOf(s);
  if (choices && typeof v === 'string' && kindOf(s) === 'enum') return unknownName(here, 'value', v, choices);
  if (choices && typeof v === 'string') return unknownName(here, 'item', v, choices);
  const b = boundsOf(s);
  if (b?.max === FLOAT32_MAX && typeof v === 'number' && v > FLOAT32_MAX && Number.isFinite(v))
    return new InputError(
      `${here}: expected ${describe(s)} that float32 can hold (at most 3.4e38), got ${show(v)}`,
    );
  return new InputError(`${here}: expected ${describe(s)}, got ${show(v)}`);
}

/** Parses a value with a schema; a failure is an InputError naming `where` and the key path. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw issueError(schema, value, r.error.issues[0], where);
}

/** A custom check in the field's own words: a thrown error's message (less its `where:` prefix) becomes the issue. */
export function checkedBy<T>(check: (v: T) => unknown): (v: T, ctx: z.RefinementCtx) => void {
  return (v, ctx) => {
    try {
      check(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^[\w.]+: /, '') });
    }
  };
}
