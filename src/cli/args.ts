// Command-line flags: declared per command, parsed and validated up front, errors that name the flag.
import { InputError, didYouMean } from '../engine/index.js';

export type FlagType = 'string' | 'int' | 'number' | 'bool' | 'list' | 'enum';

export interface FlagSpec {
  name: string; // without the leading --
  type: FlagType;
  help: string;
  choices?: readonly string[]; // for enum (and to check list items)
  min?: number;
  max?: number;
  default?: string | number | boolean | string[];
  repeat?: boolean; // may be given several times (string values collected in an array)
  placeholder?: string; // shown in help, e.g. N, DIR
  config?: string; // the config key path this flag sets (see fit-flags.ts)
  option?: string; // the options key path this flag sets, on a theory command (see option-flags.ts)
  check?(value: string | number | boolean | string[], where: string): unknown; // e.g. the schema's bounds
}

export type FlagValue = string | number | boolean | string[] | undefined;
export interface Parsed {
  flags: Record<string, FlagValue>;
  positionals: string[];
  given: Set<string>; // flags the user typed (not defaults)
}

/** The flags every command takes. */
export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'json', type: 'bool', help: 'print one JSON object on stdout instead of tables' },
  { name: 'verbose', type: 'bool', help: 'print stack traces with errors' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

function convert(spec: FlagSpec, raw: string, cmd: string): string | number | boolean | string[] {
  const where = `genlab ${cmd}: --${spec.name}`;
  switch (spec.type) {
    case 'int':
    case 'number': {
      const v = Number(raw);
      const ok = raw.trim() !== '' && Number.isFinite(v) && (spec.type === 'number' || Number.isInteger(v));
      const kind = spec.type === 'int' ? 'an integer' : 'a number';
      if (!ok) throw new InputError(`${where}: expected ${kind}, got "${raw}"`);
      if (spec.min !== undefined && v < spec.min)
        throw new InputError(`${where}: expected ${kind} ≥ ${spec.min}, got ${raw}`);
      if (spec.max !== undefined && v > spec.max)
        throw new InputError(`${where}: expected ${kind} ≤ ${spec.max}, got ${raw}`);
      return v;
    }
    case 'bool': {
      if (['true', '1', 'yes'].includes(raw)) return true;
      if (['false', '0', 'no'].includes(raw)) return false;
      throw new InputError(`${where}: expected true or false, got "${raw}"`);
    }
    case 'enum': {
      const choices = spec.choices ?? [];
      if (!choices.includes(raw)) {
        throw new InputError(
          `${where}: unknown value "${raw}"; expected one of ${choices.join(', ')}${didYouMean(raw, choices)}`,
        );
      }
      return raw;
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (spec.choices) {
        for (const it of items) {
          if (!spec.choices.includes(it)) {
            throw new InputError(
              `${where}: unknown item "${it}"; expected items from ${spec.choices.join(', ')}${didYouMean(it, spec.choices)}`,
            );
          }
        }
      }
      return items;
    }
    default:
      return raw;
  }
}

/** Parses argv against specs (plus COMMON_FLAGS). `--flag value`, `--flag=value`, `--bool`, `--no-bool`. */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], cmd: string): Parsed {
  const all = [...specs, ...COMMON_FLAGS];
  const byName = new Map(all.map((s) => [s.name, s]));
  const flags: Record<string, FlagValue> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let raw: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let spec = byName.get(name);
    if (!spec && name.startsWith('no-') && byName.get(name.slice(3))?.type === 'bool' && raw === undefined) {
      name = name.slice(3);
      spec = byName.get(name);
      raw = 'false';
    }
    if (!spec) {
      const names = all.map((s) => s.name);
      throw new InputError(
        `genlab ${cmd}: unknown flag --${name}; see genlab ${cmd} --help${didYouMean(name, names).replace('"', '"--')}`,
      );
    }
    if (raw === undefined) {
      if (spec.type === 'bool') raw = 'true';
      else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('--') && next.length > 2)) {
          throw new InputError(
            `genlab ${cmd}: --${name}: expected a value${spec.placeholder ? ` (${spec.placeholder})` : ''}, got nothing`,
          );
        }
        raw = next;
        i++;
      }
    }
    const value = convert(spec, raw, cmd);
    spec.check?.(value, `genlab ${cmd}: --${spec.name}`);
    if (spec.repeat) {
      const prev = (flags[name] as string[] | undefined) ?? [];
      flags[name] = [...prev, ...(Array.isArray(value) ? value : [String(value)])];
    } else {
      if (given.has(name)) throw new InputError(`genlab ${cmd}: --${name} given twice`);
      flags[name] = value;
    }
    given.add(name);
  }
  for (const s of all) if (!(s.name in flags) && s.default !== undefined) flags[s.name] = s.default;
  return { flags, positionals, given };
}

/** The help text of a command: usage, description, and one line per flag. */
export function formatHelp(
  cmd: string,
  usage: string,
  description: string,
  specs: readonly FlagSpec[],
): string {
  const rows = [...specs, ...COMMON_FLAGS].map((s) => {
    const value =
      s.type === 'bool'
        ? ''
        : ` ${s.placeholder ?? (s.type === 'enum' ? (s.choices ?? []).join('|') : s.type.toUpperCase())}`;
    const def =
      s.default !== undefined && s.type !== 'bool'
        ? ` (default: ${Array.isArray(s.default) ? s.default.join(',') || 'none' : s.default})`
        : '';
    return [`  --${s.name}${value}`, `${s.help}${def}`];
  });
  const width = Math.min(34, Math.max(...rows.map((r) => r[0].length)) + 2);
  const lines = rows.map(([a, b]) =>
    a.length >= width ? `${a}\n${' '.repeat(width)}${b}` : a.padEnd(width) + b,
  );
  return `Usage: genlab ${cmd} ${usage}\n\n${description.trim()}\n\nFlags:\n${lines.join('\n')}\n`;
}
