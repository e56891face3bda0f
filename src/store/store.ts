// The run store: one RunDir per run under a root, and a SQLite index that is only a cache of those directories.
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../engine/index.js';
import { RunDir, type FitResults, type RunInfo, type RunStatus } from './run-dir.js';
import { DiskFullError } from './files.js';

export type { RunStatus } from './run-dir.js';
export { readJson, writeAtomic } from './files.js';

/** A run as the index lists it. */
export type RunRow = RunInfo & {
  created: string; // ISO time the run's config was written
  updated: string; // ISO time of the run's last change
  error: string | null; // why it failed (status failed)
  results: RowResults | null; // null before a fit's first epoch ends
};

/** A run's results in the index: a fit's (FitResults), or the accuracies a theory run has (trainAcc, testAcc). */
export type RowResults = Partial<FitResults>;

/** The runs as machines read them (`genlab runs --json`, the dashboard's /api/runs): each row with its `id`. */
export function runsJson(
  root: string,
  rows: readonly RunRow[],
): { root: string; runs: (RunRow & { id: string })[] } {
  return { root, runs: rows.map((r) => ({ id: r.run, ...r })) };
}

/** What the dashboard's runs table shows of a run: identity, status and the headline results. */
export interface RunTableRow {
  run: string;
  status: RunStatus;
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
  updated: string;
  epochs: number | null; // null before the first epoch ends
  stepsToFit: number | null;
  trainAcc: number | null; // null also where not finite
  testAcc: number | null;
}

/** RunTableRow's keys in order: the columns of the table's compact JSON. */
export const TABLE_COLUMNS = [
  'run',
  'status',
  'model',
  'dataset',
  'labels',
  'inputs',
  'updated',
  'epochs',
  'stepsToFit',
  'trainAcc',
  'testAcc',
] as const satisfies readonly (keyof RunTableRow)[];

/** A run's index row as its kind reads it from the run's directory. */
export interface KindRow {
  info: RunInfo;
  error: string | null;
  results: RowResults | null; // null before a fit's first epoch, and for runs with no results to show
}

/** A kind's indexer: the row of a run directory holding `config`, or null when the run is of another kind. */
export type RowOf = (run: RunDir, config: unknown, failed?: string) => KindRow | null;

const KINDS: RowOf[] = [];

/** Registers a kind's indexer; each kind's module does so when loaded. The store itself knows no kind. */
export function indexKind(rowOf: RowOf): void {
  if (!KINDS.includes(rowOf)) KINDS.push(rowOf);
}

const SPECIAL = ['/proc', '/sys', '/dev'];

/** Refuses a store root that cannot be one, before anything is created: one line naming the flag. */
export function checkStoreRoot(root: string, flag = '--out'): string {
  if (root.trim() === '')
    throw new InputError(
      `${flag}: expected a directory, got ${JSON.stringify(root)} (an empty path is not the current one)`,
    );
  const abs = path.resolve(root);
  let existing = abs;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const real = realpathSync(existing);
  const special = SPECIAL.find((s) => real === s || real.startsWith(`${s}/`));
  if (special)
    throw new InputError(
      `${flag} ${root}: expected a directory on a disk, got a path under ${special} (a special file system)`,
    );
  if (!statSync(existing).isDirectory())
    throw new InputError(`${flag} ${root}: expected a directory, got a file (${existing})`);
  return abs;
}

interface RowRecord {
  id: string;
  status: RunStatus;
  model: string;
  dataset: string;
  labels: string;
  inputs: string;
  created: string;
  updated: string;
  error: string | null;
  results: string | null;
  stamp: string;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, model TEXT, dataset TEXT, labels TEXT, inputs TEXT,
  created TEXT NOT NULL, updated TEXT NOT NULL, error TEXT, results TEXT, stamp TEXT NOT NULL)`;
const INDEX_VERSION = 2; // PRAGMA user_version: older indexes are rebuilt

export interface StoreOptions {
  create?: boolean; // make the root if missing (default true); false: a missing root holds no runs
  flag?: string; // how errors name the root (default --out)
  notice?(line: string): void; // told when the index is rebuilt or refreshed
  readonly?: boolean; // open an existing index read-only and never refresh it (genlab serve; fit keeps it current)
}

/** Runs under one root directory (default ./runs), indexed in root/index.db. */
export class RunStore {
  readonly root: string;
  private db: Database.Database | null = null;
  private readonly o: StoreOptions;

  constructor(root: string, o: StoreOptions = {}) {
    this.o = o;
    this.root = checkStoreRoot(root, o.flag);
    if (o.readonly) {
      const file = path.join(this.root, 'index.db');
      if (!existsSync(file))
        throw new InputError(
          `${o.flag ?? '--out'} ${this.root}: no run store here; expected a directory holding index.db (genlab fit or genlab run make one)`,
        );
      this.db = new Database(file, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 10000');
      return;
    }
    if (!existsSync(this.root) && o.create === false) return;
    try {
      mkdirSync(this.root, { recursive: true });
    } catch (e) {
      throw new InputError(
        `${o.flag ?? '--out'} ${root}: expected a writable directory; ${(e as Error).message}`,
      );
    }
    this.db = this.openIndex();
  }

  /** Opens index.db; a corrupt, missing or older one is rebuilt from the run directories. A store
   * opened only to read (create: false) on a read-only disk gets an index in memory. */
  private openIndex(reason?: string): Database.Database {
    const file = path.join(this.root, 'index.db');
    const missing = !existsSync(file);
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma('busy_timeout = 10000');
      db.pragma('journal_mode = WAL');
      const d = db;
      const stale = () => (d.pragma('user_version', { simple: true }) as number) !== INDEX_VERSION;
      if (stale()) {
        // Another process may be making this index right now: an empty file is a new index, not an
        // older one, and the check is repeated under the write lock so only one process builds it.
        const empty = (d.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0;
        const why = reason ?? (missing || empty ? 'missing' : 'from an older genlab');
        d.transaction(() => {
          if (stale()) this.rebuild(d, why);
        }).immediate();
      }
      return db;
    } catch (e) {
      db?.close();
      const code = (e as { code?: string }).code ?? '';
      const why = (e as Error).message;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
        return this.openIndex(`unreadable (${why})`);
      }
      if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
        if (this.o.create === false) {
          const mem = new Database(':memory:');
          this.rebuild(mem, null);
          return mem;
        }
        throw new InputError(
          `${this.o.flag ?? '--out'} ${this.root}: expected a writable run store; cannot write ${file} (${why})`,
        );
      }
      throw e;
    }
  }

  /** Makes the table afresh and fills it from the run directories, telling why when runs exist. */
  private rebuild(db: Database.Database, why: string | null): void {
    db.exec('DROP TABLE IF EXISTS runs');
    db.exec(SCHEMA);
    db.pragma(`user_version = ${INDEX_VERSION}`);
    this.db = db;
    const n = this.reindex();
    if (why && (n > 0 || why !== 'missing'))
      this.o.notice?.(`index ${path.join(this.root, 'index.db')}: ${why}; rebuilt from ${n} run directories`);
  }

  dirOf(id: string): string {
    return path.join(this.root, id);
  }

  /** The run directory of an id. */
  run(id: string): RunDir {
    return new RunDir(this.dirOf(id));
  }

  /** Ids of every run directory under the root (those holding a config). */
  runIds(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root)
      .filter((d) => !/\.(install|old)-\d+$/.test(d) && new RunDir(this.dirOf(d)).exists())
      .sort();
  }

  /** Updates a run's row from its directory; `failed` records a failure that its files do not show. */
  refresh(id: string, failed?: string): void {
    try {
      this.refreshRow(id, failed);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_FULL')
        throw new DiskFullError(path.join(this.root, 'index.db'), e as Error);
      throw e;
    }
  }

  private refreshRow(id: string, failed?: string): void {
    if (!this.db) return;
    const run = this.run(id);
    if (!run.exists()) {
      this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
      return;
    }
    const config = run.readConfig<unknown>();
    const row = KINDS.map((rowOf) => rowOf(run, config, failed)).find((r) => r !== null);
    if (!row) return; // a kind this process has not loaded: indexed by one that has (sync finds it missing)
    const created = new Date(Math.round(statSync(run.file('config')).mtimeMs)).toISOString();
    this.db
      .prepare(
        `INSERT INTO runs (id, status, model, dataset, labels, inputs, created, updated, error, results, stamp)
        VALUES (@run, @status, @model, @dataset, @labels, @inputs, @created, @updated, @error, @results, @stamp)
        ON CONFLICT(id) DO UPDATE SET status = @status, updated = @updated, error = @error, results = @results, stamp = @stamp`,
      )
      .run({
        ...row.info,
        created,
        updated: new Date().toISOString(),
        error: row.error,
        results: row.results ? JSON.stringify(row.results) : null,
        stamp: JSON.stringify(run.stamp()),
      });
  }

  /** Rebuilds every row from the run directories (genlab runs --reindex). Returns the number of runs. */
  reindex(): number {
    if (!this.db) return 0;
    const ids = this.runIds();
    this.db.transaction(() => {
      this.db!.exec('DELETE FROM runs');
      for (const id of ids) this.refresh(id);
    })();
    return ids.length;
  }

  /** Brings stale rows (missing, gone, or older than their directory) up to date; returns how many changed. */
  sync(): number {
    if (!this.db) return 0;
    const rows = new Map(
      (this.db.prepare('SELECT id, stamp FROM runs').all() as { id: string; stamp: string }[]).map((r) => [
        r.id,
        r.stamp,
      ]),
    );
    const ids = this.runIds();
    let changed = 0;
    for (const id of ids) {
      if (rows.get(id) === this.stampOf(id)) continue;
      this.refresh(id);
      changed++;
    }
    const gone = [...rows.keys()].filter((id) => !ids.includes(id));
    for (const id of gone) this.refresh(id);
    changed += gone.length;
    if (changed)
      this.o.notice?.(
        `index ${path.join(this.root, 'index.db')}: ${changed} stale rows refreshed from the run directories`,
      );
    return changed;
  }

  private stampOf(id: string): string {
    return JSON.stringify(this.run(id).stamp());
  }

  /** Updates one run's row if its directory moved on since (a writer killed before it updated the index). */
  refreshIfStale(id: string): void {
    const row = this.db?.prepare('SELECT stamp FROM runs WHERE id = ?').get(id) as
      { stamp: string } | undefined;
    if (this.db && row?.stamp !== this.stampOf(id)) this.refresh(id);
  }

  list(filter: { status?: RunStatus; model?: string; dataset?: string } = {}): RunRow[] {
    if (!this.db) return [];
    if (!this.o.readonly) this.sync();
    const where: string[] = [];
    if (filter.model) where.push('model = @model');
    if (filter.dataset) where.push('dataset = @dataset');
    const rows = this.db
      .prepare(
        `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created, id`,
      )
      .all(filter) as RowRecord[];
    const all = rows.map((r) => this.toRow(r));
    return filter.status ? all.filter((r) => r.status === filter.status) : all; // as settled() reads them
  }

  /** Every run's table row in list() order, straight from the index: SQLite picks the few results
   * the table shows out of each row's JSON, so no row's results are parsed here (the dashboard with
   * 1,000 runs: see README). */
  table(): RunTableRow[] {
    if (!this.db) return [];
    if (!this.o.readonly) this.sync();
    const pick = (k: string) => `json_extract(results, '$.${k}') AS ${k}`;
    const rows = this.db
      .prepare(
        `SELECT id AS run, status, model, dataset, labels, inputs, updated,
        ${['epochs', 'stepsToFit', 'trainAcc', 'testAcc'].map(pick).join(', ')} FROM runs ORDER BY created, id`,
      )
      .all() as RunTableRow[];
    for (const r of rows) r.status = this.settled(r.run, r.status);
    return rows;
  }

  /** One run's row as the index holds it, or null when it has no run with exactly this id. */
  get(id: string): RunRow | null {
    const r = this.db?.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RowRecord | undefined;
    return r ? this.toRow(r) : null;
  }

  /** Every run's id, status and last update, without results: cheap enough to poll for changes. */
  versions(): { id: string; status: RunStatus; updated: string }[] {
    const rows = (this.db?.prepare('SELECT id, status, updated FROM runs').all() ?? []) as {
      id: string;
      status: RunStatus;
      updated: string;
    }[];
    for (const r of rows) r.status = this.settled(r.id, r.status);
    return rows;
  }

  /** A run's status as the index holds it, except that a "running" run whose writer was killed (SIGKILL, or a
   * signal it did not handle, with its lock left behind) reads "interrupted": it resumes as one. Read, not
   * stored: its lock's holder is checked each time, and nothing else writes the run. */
  private settled(id: string, status: RunStatus): RunStatus {
    return status === 'running' && this.run(id).killed() ? 'interrupted' : status;
  }

  private toRow(r: RowRecord): RunRow {
    return {
      run: r.id,
      dir: this.dirOf(r.id),
      status: this.settled(r.id, r.status),
      model: r.model,
      dataset: r.dataset,
      labels: r.labels,
      inputs: r.inputs,
      created: r.created,
      updated: r.updated,
      error: r.error,
      results: r.results ? (JSON.parse(r.results) as RowResults) : null,
    };
  }

  /** Finds a run by id, unique id prefix, or directory path. */
  resolve(ref: string): string {
    const asDir = new RunDir(ref);
    if (asDir.exists()) return asDir.id;
    const ids = this.runIds();
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

  /** Moves a complete directory into the store as run `id` (replacing any partial copy), then indexes it. */
  adopt(id: string, from: string): void {
    const to = this.dirOf(id);
    const old = `${to}.old-${process.pid}`;
    if (existsSync(to)) renameSync(to, old);
    renameSync(from, to);
    rmSync(old, { recursive: true, force: true });
    this.refresh(id);
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
