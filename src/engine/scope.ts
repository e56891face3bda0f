// Tensor lifetimes: scope(fn) frees every tensor created inside except what fn returns or keeps.
// Outside any scope a tensor lives until dispose() (or, as a safety net, garbage collection).

/** What a scope tracks: anything with an idempotent dispose(). */
export interface Owned {
  dispose(): void;
  readonly disposed: boolean;
}

const OWNED = Symbol.for('genlab.owned');
const frames: Set<Owned>[] = [];

/** Marks an object as trackable by scopes (Tensor does this in its constructor). */
export function markOwned(o: Owned): void {
  (o as unknown as Record<symbol, boolean>)[OWNED] = true;
  const top = frames[frames.length - 1];
  if (top) top.add(o);
}

function isOwned(x: unknown): x is Owned {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[OWNED] === true;
}

/** Collects the tensors reachable from a scope's result: itself, arrays, plain objects, Maps. */
function collect(x: unknown, out: Set<Owned>, depth = 0): void {
  if (depth > 4 || x === null || typeof x !== 'object') return;
  if (isOwned(x)) {
    out.add(x);
    return;
  }
  if (Array.isArray(x)) {
    for (const v of x) collect(v, out, depth + 1);
  } else if (x instanceof Map) {
    for (const v of x.values()) collect(v, out, depth + 1);
  } else if (Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collect(v, out, depth + 1);
  }
}

/**
 * Runs fn in a new scope. Every tensor created inside is disposed when fn returns, except those
 * reachable from its result (a tensor, or arrays / plain objects / Maps of them), which move to
 * the enclosing scope, and those passed to keep(). fn must be synchronous.
 */
export function scope<T>(fn: () => T): T {
  const frame = new Set<Owned>();
  frames.push(frame);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    frames.pop();
    for (const o of frame) o.dispose();
    throw e;
  }
  frames.pop();
  if (result instanceof Promise) {
    for (const o of frame) o.dispose();
    throw new Error(
      'scope: fn returned a Promise; scopes are synchronous, so await outside and scope each step',
    );
  }
  const survivors = new Set<Owned>();
  collect(result, survivors);
  const parent = frames[frames.length - 1];
  for (const o of frame) {
    if (survivors.has(o)) parent?.add(o);
    else o.dispose();
  }
  return result;
}

/** Takes tensors out of every enclosing scope: the caller now owns them and must dispose them. */
export function keep<T>(x: T): T {
  const found = new Set<Owned>();
  collect(x, found);
  for (const o of found) for (const f of frames) f.delete(o);
  return x;
}

/** How many scopes are open (for tests). */
export function scopeDepth(): number {
  return frames.length;
}
