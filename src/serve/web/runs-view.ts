// Front end, without the DOM: the runs page's filter (words anywhere, key=value on a config field) and a folded
// row's numbers (the mean over its seeds and their range).

/** One word of the filter: key=value looks in the run's config fields, a plain word anywhere in its row. */
export interface FilterTerm {
  key: string | null;
  value: string;
}

/** "model=alexnet labels=random running" → [{model, alexnet}, {labels, random}, {null, running}], lowercased. */
export function parseFilter(q: string): FilterTerm[] {
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => {
      const at = w.indexOf('=');
      return at > 0 ? { key: w.slice(0, at), value: w.slice(at + 1) } : { key: null, value: w };
    });
}

/** Whether a config field's key path is what `key` names: itself, its last keys, or its section (model → model.name). */
function names(path: string, key: string): boolean {
  return path === key || path.endsWith(`.${key}`) || path.startsWith(`${key}.`);
}

/**
 * Whether a run passes every term: `text` is its row as lowercase words, `fields` its config as lowercase
 * "key=value" words (/api/runs-fields); key=value holds when a field the key names has a value containing it; a plain word looks in the row and the
 * fields' values, never their keys (every run has a randomization.* key, so "random" would match them all).
 */
export function passes(terms: readonly FilterTerm[], text: string, fields: string): boolean {
  const pairs = fields
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => {
      const at = w.indexOf('=');
      return [w.slice(0, at), w.slice(at + 1)] as const;
    });
  return terms.every((t) =>
    t.key === null
      ? text.includes(t.value) || pairs.some(([, value]) => value.includes(t.value))
      : pairs.some(([path, value]) => names(path, t.key as string) && value.includes(t.value)),
  );
}

/** A folded row's numbers: the mean over the seeds that have one, their min and max, and how many. */
export interface Folded {
  mean: number | null;
  min: number | null;
  max: number | null;
  count: number;
}

export function foldNumbers(values: readonly (number | null)[]): Folded {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, min: null, max: null, count: 0 };
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
    count: xs.length,
  };
}
