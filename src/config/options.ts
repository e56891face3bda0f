// Typed options checked by a zod schema: one-line errors that name the key path, partial layers, `--set` on a leaf.
import { z } from 'zod';
import { InputError, didYouMean } from '../engine/index.js';

interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  format?: string;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { def: Def }).def;
const WRAPPERS = ['default', 'prefault', 'optional', 'readonly'];

/** The schema under default/prefault/optional wrappers (nullable kept: null stays a value). */
function stripDefaults(s: z.ZodType): z.ZodType {
  let cur = s;
  while (WRAPPERS.includes(defOf(cur).type) && defOf(cur).innerType) cur = defOf(cur).innerType!;
  return cur;
}

/** The schema under every wrapper, nullable included: what kind of value it holds. */
function core(s: z.ZodType): z.ZodType {
  let cur = stripDefaults(s);
  while (defOf(cur).type === 'nullable') cur = stripDefaults(defOf(cur).innerType!);
  return cur;
}

const isNullable = (s: z.ZodType): boolean => stripDefaults(s).safeParse(null).success;
const shapeOf = (s: z.ZodType): Record<string, z.ZodType> | undefined => {
  const c = core(s);
  return defOf(c).type === 'object' ? defOf(c).shape : undefined;
};

const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));

function valueAt(x: unknown, path: readonly PropertyKey[]): unknown {
  let node = x;
  for (const k of path) node = node !== null && typeof node === 'object' ? (node as never)[k] : undefined;
  return node;
}

function schemaAt(s: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = s;
  for (const k of path) node = node && shapeOf(node)?.[String(k)];
  return node;
}

type Issue = z.core.$ZodIssue;

/** One issue as `<what>; expected …, got …` (the location is added by the caller). */
function describe(issue: Issue, schema: z.ZodType, input: unknown): string {
  const got = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = Object.keys(shapeOf(schemaAt(schema, issue.path) ?? schema) ?? {});
      const k = issue.keys[0];
      return `unknown key "${k}"; expected one of ${keys.join(', ')}${didYouMean(k, keys)}`;
    }
    case 'invalid_value': {
      const choices = issue.values.map(String);
      if (typeof got === 'string')
        return `unknown value "${got}"; expected one of ${choices.join(', ')}${didYouMean(got, choices)}`;
      return `expected one of ${choices.join(', ')}, got ${show(got)}`;
    }
    case 'too_small':
    case 'too_big': {
      const leaf = schemaAt(schema, issue.path);
      const kind = leaf && defOf(core(leaf)).format?.includes('int') ? 'an integer' : 'a number';
      const op = issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      return `expected ${kind} ${op} ${String(bound)}, got ${show(got)}`;
    }
    case 'invalid_type': {
      const s = schemaAt(schema, issue.path);
      const nullable = s !== undefined && isNullable(s);
      const what =
        issue.expected === 'int'
          ? 'an integer'
          : issue.expected === 'object'
            ? 'an object'
            : issue.expected === 'array'
              ? 'a list'
              : issue.expected === 'boolean'
                ? 'true or false'
                : `a ${issue.expected}`;
      return `expected ${what}${nullable ? ' or null' : ''}, got ${show(got)}`;
    }
    case 'custom':
      return issue.message.startsWith('expected') ? `${issue.message}, got ${show(got)}` : issue.message;
    default:
      return `${issue.message}, got ${show(got)}`;
  }
}

/**
 * Parses a value with a schema; the first problem becomes one InputError line,
 * `<where>: <path>: <what>; expected …, got …` (path joined with dots, after `root` if given).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
  root?: string,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new InputError(`${where}${path ? `: ${path}` : ''}: ${describe(issue, schema, value)}`);
}

/** The same schema with every key optional and no defaults, at every depth: a layer of overrides. */
export function partialOf(s: z.ZodType): z.ZodType {
  const shape = shapeOf(s);
  if (!shape) return stripDefaults(s);
  const inner = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, partialOf(v).optional()]));
  return z.strictObject(inner);
}

/** The leaf schema at a dotted path (`features.name`), or an error naming the path with a did-you-mean. */
export function leafAt(schema: z.ZodType, keyPath: string, where: string): z.ZodType {
  let node = schema;
  const seen: string[] = [];
  for (const k of keyPath.split('.')) {
    const shape = shapeOf(node);
    if (!shape) throw new InputError(`${where}: "${keyPath}": ${seen.join('.')} has no sub-keys`);
    const keys = Object.keys(shape);
    if (!shape[k])
      throw new InputError(
        `${where}: ${seen.join('.') || 'options'}: unknown key "${k}"; expected one of ${keys.join(', ')}${didYouMean(k, keys)}`,
      );
    node = shape[k];
    seen.push(k);
  }
  const sub = shapeOf(node);
  if (sub)
    throw new InputError(
      `${where}: "${keyPath}" is a section; expected a key inside it, one of ${Object.keys(sub).join(', ')}`,
    );
  return stripDefaults(node);
}

/** Reads `--set key=value`'s value as the leaf's type (null, numbers, booleans, comma lists), then checks it. */
export function parseLeafValue(leaf: z.ZodType, raw: string, where: string): unknown {
  const type = defOf(core(leaf)).type;
  let v: unknown = raw;
  if (raw === 'null' && isNullable(leaf)) v = null;
  else if (type === 'number' || type === 'int')
    v = raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  else if (type === 'boolean') v = raw === 'true' ? true : raw === 'false' ? false : raw;
  else if (type === 'array')
    v = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return parseOptions(leaf, v, where);
}

/** A string field whose values `check` accepts; check throws `<anything>: <what>` and the what is kept. */
export function checkedString(check: (v: string) => unknown): z.ZodType<string> {
  return z.string().superRefine((v, ctx) => {
    try {
      check(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^[\w. -]+: /, '') });
    }
  });
}
