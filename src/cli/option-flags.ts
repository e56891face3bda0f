// Flags derived from a zod schema (a fit's config, a theory experiment's options): one per field that declares a
// flag, with the field's kind, choices and default; parsed flags become a partial object by key path.
import type { z } from 'zod';
import { setPath } from '../config/config.js';
import { FIELD_INFO, choicesOf, defaultOf, fieldAt, kindOf, leafPaths } from '../config/schema.js';
import type { FlagSpec, Parsed } from './args.js';

/** Every key path of the schema whose field declares a flag, in declaration order. */
export function flagPaths(schema: z.ZodType): string[] {
  return leafPaths(schema).filter((k) => FIELD_INFO.get(fieldAt(schema, k, 'flags'))?.flag !== undefined);
}

/**
 * The flag that sets the field at `keyPath`: its name, help and placeholder from the field's field(), its kind,
 * choices and default from zod. Bounds are the field's alone: the flag declares none of its own.
 */
export function schemaFlag(
  schema: z.ZodType,
  keyPath: string,
  where: string,
  o: { help?: string; noDefault?: boolean } = {},
): FlagSpec {
  const f = fieldAt(schema, keyPath, where);
  const info = FIELD_INFO.get(f);
  if (!info?.flag) throw new Error(`${where}: ${keyPath}: the schema gives it no flag`);
  const kind = kindOf(f);
  if (kind === 'object') throw new Error(`${where}: ${keyPath}: a section, not a field`);
  const def = defaultOf(f) as FlagSpec['default'] | null;
  return {
    name: info.flag,
    type: kind,
    help: o.help ?? info.help,
    placeholder: info.placeholder,
    choices: choicesOf(f) ?? undefined,
    default: o.noDefault || def === null ? undefined : def,
  };
}

/**
 * A theory command's flags: one per option that declares a flag, in the schema's order; each value is checked
 * with the rest of the options (errors name the key path, e.g. `genlab minnorm: lr: …`).
 */
export function optionFlags(schema: z.ZodType, where: string): FlagSpec[] {
  return flagPaths(schema).map((k) => ({ ...schemaFlag(schema, k, where), option: k }));
}

/** The partial object the given flags spell at the key paths `pathOf` names (defaults are left to the schema). */
export function fromFlags(
  p: Parsed,
  specs: readonly FlagSpec[],
  pathOf: (s: FlagSpec) => string | undefined = (s) => s.option,
  set: (out: Record<string, unknown>, keyPath: string, value: unknown) => void = setPath,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    const keyPath = pathOf(s);
    if (keyPath !== undefined && p.given.has(s.name)) set(out, keyPath, p.flags[s.name]);
  }
  return out;
}
