// The run directory: the one module that names a run's files and reads and writes them.
/**
 * A run directory (STORE/RUN_ID) holds:
 *
 *   config.json                      the resolved config, written once (the id is a hash of it)
 *   randomization/                   the drawn randomization (src/randomize/artifact.ts lays it out; written here)
 *   steps.f32                        per-step training losses, little-endian float32, one per SGD step
 *   metrics.jsonl                    one EpochRecord per line, epochs 1, 2, … in order
 *   checkpoint.safetensors           the latest epoch-end checkpoint: weights, optimizer, RNG, training state,
 *                                    with a SHA-256 of every tensor and of the state (verified at load)
 *   checkpoint.previous.safetensors  the checkpoint before it, kept for resume when the latest is corrupt
 *   summary.json                     a FitSummary, rewritten at every epoch end; status complete or
 *                                    diverged means the run is done
 *   epochs/NAME/000001.bin           per-epoch artifacts (e.g. which training examples are correct)
 *   artifacts/NAME                   named artifacts (e.g. a theory experiment's results)
 *   run.lock                         the writing process (JSON LockHolder), present while one writes
 *
 * Writers: `lock()` first (one writer per run, always); `create(config)`; `restore()` then `syncTo(state)`
 * on resume; `commitEpoch()` at every epoch end, which writes in the order steps → epoch artifacts →
 * checkpoint → metrics → summary, so a kill at any moment leaves a state that `syncTo` repairs from the
 * checkpoint: steps and artifacts past it are cut, metrics rewritten from its history.
 *
 * Readers (reports, the dashboard, the queue) need no lock: every file is replaced atomically or only
 * appended, and readers ignore a partial last record. `stamp()` changes whenever the run moves on
 * (epochs, steps, status, mtimes); `files()` lists what to copy and `pack.ts` moves a run between stores.
 *
 * Directories made by older genlab versions read the same: their per-epoch metrics come from the
 * checkpoint's metadata (and are written to metrics.jsonl when the directory is writable); their
 * `worker.lock` counts as the lock.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { InputError, scope, type Tensor } from '../engine/index.js';
import { loadSafetensors, readSafetensorsMetadata, saveSafetensors } from '../nn/index.js';
import type { EpochRecord, TrainState } from '../train/index.js';
import { appendBytes, readJson, writeAtomic, writeFailure } from './files.js';
import { acquireLock, lockHolder, staleLock, type LockHolder, type RunLock } from './run-lock.js';
import type { FitConfig } from '../config/config.js';
import { ARTIFACT_JSON, loadArtifact, saveArtifact } from '../randomize/artifact.js';
import type { RandomizationArtifact } from '../randomize/index.js';

/** The file names of a run directory (relative). No other module spells them. */
export const RUN_FILES = {
  config: 'config.json',
  randomization: 'randomization',
  steps: 'steps.f32',
  metrics: 'metrics.jsonl',
  checkpoint: 'checkpoint.safetensors',
  previousCheckpoint: 'checkpoint.previous.safetensors',
  summary: 'summary.json',
  epochArtifacts: 'epochs',
  artifacts: 'artifacts',
  lock: 'run.lock',
  legacyLock: 'worker.lock',
} as const;

/** running (or stopped without a word: killed), interrupted (stopped by a signal at a checkpoint; resumable), failed
 * (an error ended it; resumable), complete and diverged (done). */
export type RunStatus = 'running' | 'interrupted' | 'complete' | 'diverged' | 'failed';
export const RUN_STATUSES = [
  'running',
  'interrupted',
  'complete',
  'diverged',
  'failed',
] as const satisfies RunStatus[];
const STATUSES: readonly unknown[] = RUN_STATUSES;

/** What a run is, from its directory and config. */
export interface RunInfo {
  run: string; // the id: the directory's name
  dir: string; // absolute path
  status: RunStatus;
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
}

/** What a fit has reached. */
export interface FitResults {
  params: number;
  trainSize: number;
  epochs: number;
  steps: number;
  stepsToFit: number | null;
  epochsToFit: number | null;
  trainAcc: number;
  testAcc: number;
  bestTestAcc: number;
  bestTestEpoch: number;
  labelChangedFraction: number;
  diverged: boolean;
  divergedReason: string | null;
  wallSeconds: number;
  examplesPerSecond: number;
  threads?: number; // libtorch's, as the runtime policy set them; a resumed run keeps them
  error?: string; // why it failed (status failed)
}

/** summary.json: the run and its results. */
export type FitSummary = RunInfo & FitResults;

/** A restored checkpoint: tensors by name (the caller disposes them) and the training state. */
export interface Checkpoint {
  file: string;
  tensors: Map<string, Tensor>;
  state: TrainState;
}

/** What changed since a reader last looked: compare with ===-equal JSON. */
export interface RunStamp {
  epochs: number;
  steps: number;
  status: RunStatus | null; // null: no summary yet
  mtimeMs: number; // newest of the run's files, whole milliseconds
}

export interface RunFile {
  path: string; // relative to the run directory, '/'-separated
  bytes: number;
  mtimeMs: number; // whole milliseconds (what a copy can reproduce)
}

/** A status whose run is over (complete or diverged): its summary is final. */
export const isDone = (s: RunStatus): boolean => s === 'complete' || s === 'diverged';
const EPOCH_FILE = (epoch: number) => `${String(epoch).padStart(6, '0')}.bin`;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/;

function checkName(name: string, what: string): string {
  if (!NAME.test(name) || name.includes('..'))
    throw new InputError(
      `run dir: ${what}: expected a name of letters, digits, '.', '_', '-', got "${name}"`,
    );
  return name;
}

export class RunDir {
  readonly dir: string;
  readonly id: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.id = path.basename(this.dir);
  }

  /** The absolute path of one of the run's files (for tools that open it themselves). */
  file(name: keyof typeof RUN_FILES): string {
    return path.join(this.dir, RUN_FILES[name]);
  }

  /** A run exists once its config is written. */
  exists(): boolean {
    return existsSync(this.file('config'));
  }

  /** Makes the directory and writes config.json unless present (the id is the config's hash: same config). */
  create(config: unknown): void {
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      writeFailure(this.dir, e);
    }
    if (!this.exists()) writeAtomic(this.file('config'), JSON.stringify(config, null, 2));
  }

  readConfig<T = FitConfig>(): T {
    return readJson<T>(this.file('config'));
  }

  /** Takes the run's lock (one writer per run). See run-lock.ts. */
  async lock(o: { wait?: boolean; command?: string; onWait?(h: LockHolder): void } = {}): Promise<RunLock> {
    const legacy = lockHolder(this.file('legacyLock'));
    if (legacy && !o.wait) return acquireLock(this.file('legacyLock'), this.id, o); // throws RunLockedError
    while (lockHolder(this.file('legacyLock'))) await new Promise((r) => setTimeout(r, 100));
    rmSync(this.file('legacyLock'), { force: true });
    return acquireLock(this.file('lock'), this.id, o);
  }

  /** Whether the process that wrote this run was killed while it held the run: it left its lock behind. */
  killed(): boolean {
    return staleLock(this.file('lock')) || staleLock(this.file('legacyLock'));
  }

  /** The live process writing this run, if any. */
  writer(): LockHolder | null {
    return lockHolder(this.file('lock')) ?? lockHolder(this.file('legacyLock'));
  }

  /** summary.json as written (any status), with `dir` set to where the run is now; null before the first epoch. */
  readSummary(): FitSummary | null {
    const file = this.file('summary');
    if (!existsSync(file)) return null;
    const s = readJson<FitSummary>(file);
    const ok =
      typeof s === 'object' &&
      s !== null &&
      STATUSES.includes(s.status) &&
      Number.isSafeInteger(s.epochs) &&
      Number.isSafeInteger(s.steps);
    if (!ok)
      throw new InputError(
        `${file}: corrupt: expected a run summary with status, epochs and steps, got ${JSON.stringify(s)?.slice(0, 80)}`,
      );
    return { ...s, dir: this.dir };
  }

  /** The summary of a finished run (complete or diverged), else null. */
  finishedSummary(): FitSummary | null {
    const s = this.readSummary();
    return s && isDone(s.status) ? s : null;
  }

  /** The run's drawn randomization, or null before it is saved (its JSON, written last, marks it whole). */
  readRandomization(): RandomizationArtifact | null {
    const dir = this.file('randomization');
    return existsSync(path.join(dir, ARTIFACT_JSON)) ? loadArtifact(dir) : null;
  }

  /** Saves the drawn randomization with the run's atomic, fsync'd writes (a full disk is named, not half-written). */
  writeRandomization(a: RandomizationArtifact): void {
    saveArtifact(this.file('randomization'), a, writeAtomic);
  }

  writeSummary(s: FitSummary): void {
    writeAtomic(this.file('summary'), JSON.stringify(s, null, 2));
  }

  /** Per-epoch metrics, epochs 1…n. A partial last line (a reader racing a writer) is left out. */
  readMetrics(): EpochRecord[] {
    const file = this.file('metrics');
    if (!existsSync(file)) return this.legacyMetrics();
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    lines.pop(); // after the last newline: empty, or a line still being written
    return lines.map((line, i) => {
      const r = epochRecord(line, i + 1);
      if (r) return r;
      throw new InputError(
        `${file}: line ${i + 1}: expected the metrics of epoch ${i + 1}, got ${line.slice(0, 80)}`,
      );
    });
  }

  /** Older runs kept their history only in the checkpoint's metadata: read it, and write metrics.jsonl if we may. */
  private legacyMetrics(): EpochRecord[] {
    const ck = this.file('checkpoint');
    if (!existsSync(ck)) return [];
    const history = parseState(ck, readSafetensorsMetadata(ck)).history;
    try {
      writeAtomic(this.file('metrics'), history.map((r) => JSON.stringify(r) + '\n').join(''));
    } catch {
      // a read-only store still reads
    }
    return history;
  }

  /** Per-step training losses from step `from` (0-based) on; a partial last value is left out. */
  readSteps(from = 0): Float32Array {
    const file = this.file('steps');
    if (!existsSync(file)) return new Float32Array(0);
    const buf = readFileSync(file);
    const n = Math.floor(buf.byteLength / 4);
    const start = Math.min(Math.max(0, from), n);
    const out = new Float32Array(n - start);
    new Uint8Array(out.buffer).set(buf.subarray(start * 4, n * 4));
    return out;
  }

  /** How many per-step losses are stored. */
  stepCount(): number {
    const file = this.file('steps');
    return existsSync(file) ? Math.floor(statSync(file).size / 4) : 0;
  }

  /** Restores the latest checkpoint (or the previous one), or null when there is none.
   * A corrupt latest checkpoint is an error naming it, and saying that the previous one can be used. */
  restore(device: string, o: { previous?: boolean } = {}): Checkpoint | null {
    const latest = this.file('checkpoint');
    const previous = this.file('previousCheckpoint');
    const file = o.previous ? previous : latest;
    if (o.previous && !existsSync(previous))
      throw new InputError(`${previous}: missing; expected the previous checkpoint of ${this.id}`);
    if (!existsSync(file)) return existsSync(previous) ? this.restore(device, { previous: true }) : null;
    try {
      return scope(() => {
        const ck = loadSafetensors(file, device);
        return { file, tensors: ck.tensors, state: parseState(file, ck.metadata) };
      });
    } catch (e) {
      if (o.previous || !existsSync(previous) || !(e instanceof InputError)) throw e;
      const prev = parseState(previous, readSafetensorsMetadata(previous));
      throw new InputError(
        `${(e as Error).message}; the previous checkpoint (epoch ${prev.epoch}) is kept: resume from it with --from-previous`,
      );
    }
  }

  /** Brings steps, metrics and epoch artifacts back to a restored (or initial) training state. */
  syncTo(state: TrainState): void {
    const steps = this.file('steps');
    if (!existsSync(steps)) writeFileSync(steps, new Uint8Array(0));
    if (statSync(steps).size > state.step * 4) truncateSync(steps, state.step * 4);
    else if (statSync(steps).size < state.step * 4)
      throw new InputError(
        `${steps}: truncated: expected ${state.step} losses, file holds ${this.stepCount()}`,
      );
    const metrics = state.history.map((r) => JSON.stringify(r) + '\n').join('');
    const file = this.file('metrics');
    if (!existsSync(file) || readFileSync(file, 'utf8') !== metrics) writeAtomic(file, metrics);
    for (const name of this.epochArtifactNames())
      for (const epoch of this.epochArtifactEpochs(name))
        if (epoch > state.epoch) rmSync(this.epochArtifactPath(name, epoch), { force: true });
  }

  /** Records one finished epoch; see the order in the file's comment. */
  commitEpoch(e: {
    losses: Float32Array;
    tensors: Map<string, Tensor>;
    state: TrainState;
    summary: FitSummary;
    artifacts?: Record<string, Uint8Array>;
  }): void {
    const record = e.state.history[e.state.history.length - 1];
    const steps = this.file('steps');
    appendBytes(
      steps,
      new Uint8Array(e.losses.buffer, e.losses.byteOffset, e.losses.byteLength),
      (e.state.step - e.losses.length) * 4,
    );
    for (const [name, bytes] of Object.entries(e.artifacts ?? {})) {
      mkdirSync(path.dirname(this.epochArtifactPath(name, e.state.epoch)), { recursive: true });
      writeAtomic(this.epochArtifactPath(name, e.state.epoch), bytes);
    }
    this.saveCheckpoint(e.tensors, e.state);
    const metrics = this.file('metrics');
    const size = existsSync(metrics) ? statSync(metrics).size : 0;
    if (record) appendBytes(metrics, JSON.stringify(record) + '\n', size);
    this.writeSummary(e.summary);
  }

  /** Writes a checkpoint with checksums; the one it replaces becomes the previous checkpoint. */
  private saveCheckpoint(tensors: Map<string, Tensor>, state: TrainState): void {
    const latest = this.file('checkpoint');
    const next = `${latest}.next`;
    try {
      saveSafetensors(next, tensors, { state: JSON.stringify(state) }, { checksums: true });
      if (existsSync(latest)) renameSync(latest, this.file('previousCheckpoint'));
      renameSync(next, latest);
    } catch (e) {
      rmSync(next, { force: true });
      writeFailure(latest, e);
    }
  }

  /** Path of a per-epoch artifact (epochs/NAME/000001.bin). */
  epochArtifactPath(name: string, epoch: number): string {
    return path.join(
      this.dir,
      RUN_FILES.epochArtifacts,
      checkName(name, 'epoch artifact'),
      EPOCH_FILE(epoch),
    );
  }

  epochArtifactNames(): string[] {
    const d = path.join(this.dir, RUN_FILES.epochArtifacts);
    return existsSync(d)
      ? readdirSync(d)
          .filter((n) => NAME.test(n))
          .sort()
      : [];
  }

  /** The epochs that have artifact NAME, ascending. */
  epochArtifactEpochs(name: string): number[] {
    const d = path.dirname(this.epochArtifactPath(name, 1));
    if (!existsSync(d)) return [];
    return readdirSync(d)
      .filter((f) => /^\d{6}\.bin$/.test(f))
      .map((f) => Number(f.slice(0, 6)))
      .sort((a, b) => a - b);
  }

  readEpochArtifact(name: string, epoch: number): Uint8Array | null {
    const f = this.epochArtifactPath(name, epoch);
    return existsSync(f) ? new Uint8Array(readFileSync(f)) : null;
  }

  /** The path of a named artifact (artifacts/NAME), for tools that open it themselves. */
  artifactPath(name: string): string {
    return path.join(this.dir, RUN_FILES.artifacts, checkName(name, 'artifact'));
  }

  /** A named artifact (artifacts/NAME), written atomically. */
  writeArtifact(name: string, data: string | Uint8Array): void {
    const f = this.artifactPath(name);
    mkdirSync(path.dirname(f), { recursive: true });
    writeAtomic(f, data);
  }

  readArtifact(name: string): Buffer | null {
    const f = this.artifactPath(name);
    return existsSync(f) ? readFileSync(f) : null;
  }

  /** Every file of the run except the lock and temporary files, sorted: what a copy of the run needs. */
  files(): RunFile[] {
    const out: RunFile[] = [];
    const walk = (rel: string) => {
      for (const ent of readdirSync(path.join(this.dir, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${ent.name}` : ent.name;
        if (ent.isDirectory()) walk(r);
        else if (ent.isFile() && !isScratch(ent.name)) {
          const st = statSync(path.join(this.dir, r));
          out.push({ path: r, bytes: st.size, mtimeMs: Math.round(st.mtimeMs) });
        }
      }
    };
    if (existsSync(this.dir)) walk('');
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A cheap summary of progress that changes whenever the run moves on. */
  stamp(): RunStamp {
    const mtime = (f: string) => (existsSync(f) ? Math.round(statSync(f).mtimeMs) : 0);
    const s = existsSync(this.file('summary')) ? this.readSummary() : null;
    return {
      epochs: s?.epochs ?? 0,
      steps: this.stepCount(),
      status: s?.status ?? null,
      mtimeMs: Math.max(mtime(this.file('config')), mtime(this.file('summary')), mtime(this.file('steps'))),
    };
  }

  /** Removes everything the run wrote except its config and the lock (fit --restart). */
  reset(): void {
    for (const f of readdirSync(this.dir))
      if (f !== RUN_FILES.config && f !== RUN_FILES.lock)
        rmSync(path.join(this.dir, f), { recursive: true, force: true });
  }

  /** Temporary files and stale locks a killed or failed writer left, in subdirectories too (randomization/,
   * epochs/NAME/, artifacts/); the run's own lock is left out. */
  scratch(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const ent of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (isScratch(ent.name) && p !== this.file('lock')) out.push(p);
      }
    };
    if (existsSync(this.dir)) walk(this.dir);
    return out;
  }

  /** Removes the scratch files (call with the lock held). */
  removeScratch(): void {
    for (const f of this.scratch()) rmSync(f, { force: true });
  }

  /** True when the run holds nothing but its config (and perhaps a lock): nothing trained. */
  unstarted(): boolean {
    const keep = new Set<string>([RUN_FILES.config, RUN_FILES.lock, RUN_FILES.randomization]);
    return existsSync(this.dir) && readdirSync(this.dir).every((f) => keep.has(f) || isScratch(f));
  }

  /** Removes the whole directory. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** An EpochRecord's numeric fields besides `epoch`, in file order (metrics.jsonl, CSV exports). */
export const RECORD_NUMBERS = [
  'step',
  'lr',
  'stepLoss',
  'trainLoss',
  'trainAcc',
  'testLoss',
  'testAcc',
  'seconds',
] as const;

/** One line of metrics.jsonl, checked: the expected epoch, numbers (JSON null is NaN, as JSON writes it). */
function epochRecord(line: string, epoch: number): EpochRecord | null {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof r !== 'object' || r === null || (r as EpochRecord).epoch !== epoch) return null;
  const out = { ...(r as EpochRecord) };
  for (const k of RECORD_NUMBERS) {
    const v: unknown = out[k];
    if (v === null) out[k] = NaN;
    else if (typeof v !== 'number') return null;
  }
  return out;
}

/** Temporary files of atomic writes, and locks: never part of a run's content. */
function isScratch(name: string): boolean {
  return (
    /\.tmp-\d+$|\.next$|\.stale-\d+$/.test(name) || name === RUN_FILES.lock || name === RUN_FILES.legacyLock
  );
}

/** The training state in a checkpoint's metadata, checked for the fields resume needs. */
function parseState(file: string, metadata: Record<string, string>): TrainState {
  let s: TrainState | null = null;
  try {
    s = JSON.parse(metadata.state ?? 'null') as TrainState | null;
  } catch {
    // below
  }
  const ok =
    typeof s === 'object' &&
    s !== null &&
    Number.isSafeInteger(s.epoch) &&
    Number.isSafeInteger(s.step) &&
    Array.isArray(s.history) &&
    s.history.length === s.epoch;
  if (!ok)
    throw new InputError(
      `${file}: corrupt: expected a training state in its metadata, got ${String(metadata.state).slice(0, 80)}`,
    );
  return s as TrainState;
}
