// The zod toolkit every schema goes through (a fit's config, a theory experiment's options): field help and flags,
// shapes and leaves by key path, bounds and choices, `--set` values, partial layers, one-line errors that name the path.
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

type Def = {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string>;
};
const def = (s: z.ZodType): Def => s._zod.def as unknown as Def;
const DEFAULTS = ['default', 'prefault', 'optional', 'readonly'];

/** The field without its default, optional or nullable wrapping; `nullable` says whether null passes. */
export function unwrap(s: z.ZodType): { core: z.ZodType; nullable: boolean; optional: boolean } {
  let nullable = false;
  let optional = false;
  for (;;) {
    const d = def(s);
    if (d.type === 'nullable') nullable = true;
    else if (DEFAULTS.includes(d.type)) optional = true;
    else return { core: s, nullable, optional };
    s = d.innerType as z.ZodType;
  }
}

/** The field without its default (or optional) wrapping, null still allowed: what a value set explicitly must pass. */
export function withoutDefault(s: z.ZodType): z.ZodType {
  while (DEFAULTS.includes(def(s).type)) s = def(s).innerType as z.ZodType;
  return s;
}

/** The default a field takes when absent (undefined where it has none, e.g. lr follows the model). */
export function defaultOf(s: z.ZodType): unknown {
  const r = s.safeParse(undefined);
  return r.success ? r.data : undefined;
}

export function isObject(s: z.ZodType): s is z.ZodObject {
  return def(unwrap(s).core).type === 'object';
}

/** An object schema's fields (under its wrappers); undefined for any other schema. */
export function shapeOf(s: z.ZodType): Record<string, z.ZodType> | undefined {
  const core = unwrap(s).core;
  return isObject(core) ? (core.shape as Record<string, z.ZodType>) : undefined;
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
  if (t === 'object' || t === 'record') return 'object';
  return 'string';
}

/** A number's range in words: `an integer ≥ 1`, `a positive number`, `a number in [0, 1)`. */
function describeNumber(b: Bounds): string {
  const noun = b.int ? 'an integer' : 'a number';
  const max = b.max === FLOAT32_MAX ? undefined : b.max; // float32's limit is named only when crossed
  if (max === undefined && b.min === undefined) return noun;
  if (max === undefined && b.min === 0 && b.minExclusive) return `a positive ${b.int ? 'integer' : 'number'}`;
  if (max === undefined) return `${noun} ${b.minExclusive ? '>' : '≥'} ${b.min}`;
  const lo = b.min === undefined ? '(-∞' : `${b.minExclusive ? '(' : '['}${b.min}`;
  return `${noun} in ${lo}, ${max}${b.maxExclusive ? ')' : ']'}`;
}

/** What a field accepts, in words: `an integer ≥ 1`, `a number in [0, 1)`, `one of a, b`. */
export function describe(s: z.ZodType): string {
  const { core, nullable } = unwrap(s);
  const orNull = nullable ? ' or null' : '';
  const t = def(core).type;
  const b = boundsOf(core);
  if (b) return describeNumber(b) + orNull;
  const choices = choicesOf(core);
  if (t === 'boolean') return `true or false${orNull}`;
  if (t === 'enum') return `one of ${(choices ?? []).join(', ')}${orNull}`;
  if (t === 'array') return choices ? `a list of items from ${choices.join(', ')}` : `a list${orNull}`;
  if (t === 'object' || t === 'record') return `an object${orNull}`;
  if (t === 'string') return `a string${orNull}`;
  return `a value of type ${t}${orNull}`;
}

/** The leaf paths of an object schema (`train.schedule.gamma`), in declaration order. */
export function leafPaths(s: z.ZodType, prefix = ''): string[] {
  return Object.entries(shapeOf(s) ?? {}).flatMap(([k, v]) =>
    isObject(v) ? leafPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/**
 * The field at a dotted path, as declared (default and all), or an error naming the path with a
 * did-you-mean; `top` names the whole object in an error about its own keys ('config', 'options').
 */
export function fieldAt(schema: z.ZodType, keyPath: string, where: string, top = 'config'): z.ZodType {
  let node = schema;
  const seen: string[] = [];
  for (const k of keyPath.split('.')) {
    const shape = shapeOf(node);
    if (!shape) throw new InputError(`${where}: "${keyPath}": ${seen.join('.')} has no sub-keys`);
    if (!Object.hasOwn(shape, k))
      throw unknownName(`${where}: ${seen.join('.') || top}`, 'key', k, Object.keys(shape));
    node = shape[k];
    seen.push(k);
  }
  const sub = shapeOf(node);
  if (sub)
    throw new InputError(
      `${where}: "${keyPath}" is a section; expected a key inside it, one of ${Object.keys(sub).join(', ')}`,
    );
  return node;
}

/** The leaf of an options schema at a dotted path, without its default: what a grid value or `--set` must pass. */
export function leafAt(schema: z.ZodType, keyPath: string, where: string): z.ZodType {
  return withoutDefault(fieldAt(schema, keyPath, where, 'options'));
}

/** The same schema with every key optional and no defaults, at every depth: a layer of overrides. */
export function partialOf(s: z.ZodType): z.ZodType {
  const shape = shapeOf(s);
  if (!shape) return withoutDefault(s);
  return z.strictObject(
    Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, partialOf(v).optional()])),
  );
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));

/** `where` and a key path: `presets/x.json: base` + train.lr, or `genlab fit:` + train.lr. */
function at(where: string, path: readonly PropertyKey[]): string {
  if (path.length === 0) return where.replace(/:$/, '');
  return path.reduce<string>(
    (w, k) =>
      typeof k === 'number'
        ? `${w.replace(/:$/, '')}[${k}]`
        : w.endsWith(':')
          ? `${w} ${String(k)}`
          : `${w}.${String(k)}`,
    where,
  );
}

function valueAt(x: unknown, path: readonly PropertyKey[]): unknown {
  let node = x;
  for (const k of path)
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined;
  return node;
}

/** The schema a key path leads to, through objects, lists and records; undefined past a leaf. */
function schemaAt(s: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = s;
  for (const k of path) {
    if (!node) return undefined;
    const d = def(unwrap(node).core);
    if (d.type === 'array') node = d.element;
    else if (d.type === 'record') node = d.valueType;
    else node = shapeOf(node)?.[String(k)];
  }
  return node;
}

/** A string's or a list's size bound in words: `a non-empty string`, `a list of at least 2 items`. */
function sizeText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string | null {
  const n = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const noun = issue.origin === 'string' ? 'string' : issue.origin === 'array' ? 'list' : null;
  if (!noun) return null;
  if (issue.code === 'too_small' && n === 1) return `a non-empty ${noun}`;
  const unit = noun === 'string' ? 'characters' : 'items';
  return `a ${noun} of ${issue.code === 'too_small' ? 'at least' : 'at most'} ${n} ${unit}`;
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
    return unknownName(here, 'key', issue.keys[0], Object.keys((s && shapeOf(s)) ?? {}));
  if (issue.code === 'custom')
    return new InputError(
      `${here}: ${issue.message}${issue.message.startsWith('expected') ? `, got ${show(v)}` : ''}`,
    );
  const size = (issue.code === 'too_small' || issue.code === 'too_big') && sizeText(issue);
  if (size) return new InputError(`${here}: expected ${size}, got ${show(v)}`);
  if (!s) return new InputError(`${here}: ${issue.message}, got ${show(v)}`);
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

/**
 * parseWith for options: errors read `<where>: <root>.<path>: <what>` (`genlab kernel: features.filterSize: …`,
 * `presets/table3.json: grid.ridge[1]: …`); `root` is where the value sits in a larger document.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
  root?: string,
): z.output<S> {
  return parseWith(schema, value, root ? `${where}: ${root}` : `${where}:`);
}

/** Reads `--set key=value`'s value as the leaf's kind (null, numbers, booleans, comma lists), then checks it. */
export function parseLeafValue(leaf: z.ZodType, raw: string, where: string): unknown {
  const kind = kindOf(leaf);
  let v: unknown = raw;
  if (raw === 'null' && unwrap(leaf).nullable) v = null;
  else if (kind === 'int' || kind === 'number')
    v = raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  else if (kind === 'bool') v = raw === 'true' ? true : raw === 'false' ? false : raw;
  else if (kind === 'list')
    v = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return parseOptions(leaf, v, where);
}

/** A custom check in the field's own words: a thrown error's message (less its `where:` prefix) becomes the issue. */
export function checkedBy<T>(check: (v: T) => unknown): (v: T, ctx: z.RefinementCtx) => void {
  return (v, ctx) => {
    try {
      check(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^[\w. -]+: /, '') });
    }
  };
}

/** A string field whose values `check` accepts (it throws `<where>: <what>`, and the what is kept). */
export function checkedString(check: (v: string) => unknown): z.ZodType<string> {
  return z.string().superRefine(checkedBy(check));
}
