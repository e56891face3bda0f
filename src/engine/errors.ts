// Errors for people: InputError marks bad input (exit code 2) as opposed to a failure (exit 1).

/** Bad input from a user: a flag, a file, a shape, a name. The CLI exits with code 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** A process's exit code for what it threw: 2 for bad input (a sweep stops starting runs on it), else 1. */
export function exitCodeOf(e: unknown): 1 | 2 {
  return e instanceof InputError ? 2 : 1;
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** ` ; did you mean "x"?` when a candidate is close to name, else ''. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = distance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return best && bestD <= Math.max(2, Math.floor(best.length / 3)) ? `; did you mean "${best}"?` : '';
}

/** `unknown X "name"; expected one of a, b, c; did you mean "a"?` as an InputError. */
export function unknownName(
  where: string,
  what: string,
  name: string,
  candidates: readonly string[],
): InputError {
  return new InputError(
    `${where}: unknown ${what} "${name}"; expected one of ${candidates.join(', ')}${didYouMean(name, candidates)}`,
  );
}
