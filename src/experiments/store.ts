// The run store: one directory per run (config, randomization, checkpoints, metrics) and a SQLite index.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../engine/index.js';

export type RunStatus = 'running' | 'complete' | 'diverged' | 'failed';

export interface RunRow {
  id: string;
  dir: string;
  status: RunStatus;
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
  created: string;
  updated: string;
  summary: Record<string, unknown> | null;
}

/** JSON with sorted keys: the same config always hashes the same. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const keys = Object.keys(x as object)
      .filter((k) => (x as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((x as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 10);
}

/** Writes a file atomically: temporary file, fsync, rename. A kill leaves the old or the new file. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function readJson<T>(file: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: missing; expected a file written by genlab`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new InputError(`${file}: corrupt: not valid JSON`);
  }
}

/** Runs under one root directory (default ./runs), indexed in root/index.db (WAL). */
export class RunStore {
  readonly root: string;
  private db: Database.Database;

  constructor(root: string) {
    this.root = path.resolve(root);
    mkdirSync(this.root, { recursive: true });
    this.db = new Database(path.join(this.root, 'index.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS runs (
      id TEXT PRIMARY KEY, dir TEXT NOT NULL, status TEXT NOT NULL, model TEXT, dataset TEXT, labels TEXT, inputs TEXT,
      created TEXT NOT NULL, updated TEXT NOT NULL, config TEXT NOT NULL, summary TEXT)`);
  }

  dirOf(id: string): string {
    return path.join(this.root, id);
  }

  /** Records (or updates) a run in the index. */
  upsert(r: Omit<RunRow, 'dir' | 'created' | 'updated'> & { config: unknown }): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO runs (id, dir, status, model, dataset, labels, inputs, created, updated, config, summary)
        VALUES (@id, @dir, @status, @model, @dataset, @labels, @inputs, @now, @now, @config, @summary)
        ON CONFLICT(id) DO UPDATE SET status = @status, updated = @now, summary = @summary`,
      )
      .run({
        ...r,
        dir: this.dirOf(r.id),
        now,
        config: JSON.stringify(r.config),
        summary: r.summary ? JSON.stringify(r.summary) : null,
      });
  }

  list(filter: { status?: RunStatus; model?: string; dataset?: string } = {}): RunRow[] {
    const where: string[] = [];
    if (filter.status) where.push('status = @status');
    if (filter.model) where.push('model = @model');
    if (filter.dataset) where.push('dataset = @dataset');
    const rows = this.db
      .prepare(`SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created`)
      .all(filter) as (Omit<RunRow, 'summary'> & { summary: string | null })[];
    return rows.map((r) => ({
      ...r,
      summary: r.summary ? (JSON.parse(r.summary) as Record<string, unknown>) : null,
    }));
  }

  /** Finds a run by id, unique id prefix, or directory path. */
  resolve(ref: string): string {
    const asDir = path.resolve(ref);
    if (existsSync(path.join(asDir, 'config.json'))) return path.basename(asDir);
    const ids = existsSync(this.root)
      ? readdirSync(this.root).filter((d) => existsSync(path.join(this.root, d, 'config.json')))
      : [];
    const hits = ids.filter((id) => id === ref || id.startsWith(ref) || id.endsWith(ref));
    if (hits.length === 1) return hits[0];
    if (hits.length > 1)
      throw new InputError(
        `runs: "${ref}" matches ${hits.length} runs (${hits.slice(0, 3).join(', ')}…); give more of the id`,
      );
    throw new InputError(
      `runs: no run "${ref}" under ${this.root}; expected a run id or directory (see genlab runs)`,
    );
  }

  close(): void {
    this.db.close();
  }
}
