// Every fit report per cell: one seed prints plain numbers as before; three print the mean ± interval (min–max),
// a seeds column and the seeds note, and their figures draw bands or thin per-seed lines.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { liveTensors } from '../engine/index.js';
import { loadPreset, planPreset, type PlannedRun, type ReportKind } from '../presets/preset.js';
import { RunDir, type FitSummary } from '../store/run-dir.js';
import { initialState, type EpochRecord } from '../train/index.js';
import { tempDir } from '../../test/support/temp.js';
import { presetReport } from './preset-report.js';
import { stat, type ReportRun } from './seeds.js';
import { fmtCount, statComparison, toFitCell, withSeeds } from './spread.js';
import type { Table } from './table.js';

const PRESETS: ReportKind[] = [
  'fig1a',
  'fig1b',
  'fig1c',
  'table1',
  'table-random-regularized',
  'early-stopping',
  'fig2b',
  'double-descent-width',
];
const EPOCHS = 3;
const STEPS = 4; // per epoch

/** A made-up outcome for the i-th cell's k-th seed: accuracies and steps that move with the seed. */
function outcome(run: PlannedRun, i: number, k: number, dir: string, fitted: boolean): FitSummary {
  const r = run.config.randomization;
  const params = 1000 * Number(/(\d+)$/.exec(run.config.model.name)?.[1] ?? 1);
  return {
    run: path.basename(dir),
    dir,
    status: 'complete',
    model: run.config.model.name,
    dataset: run.config.dataset.name,
    labels: r.labels,
    inputs: r.inputs,
    params,
    trainSize: 100,
    epochs: EPOCHS,
    steps: EPOCHS * STEPS,
    stepsToFit: fitted ? 8 + k : null,
    epochsToFit: fitted ? 2 + (k % 2) : null,
    trainAcc: fitted ? 1 : 0.9 - 0.01 * k,
    testAcc: 0.5 + 0.03 * (i % 4) + 0.01 * k,
    bestTestAcc: 0.6 + 0.03 * (i % 4) + 0.01 * k,
    bestTestEpoch: 2 + k,
    labelChangedFraction: 0,
    diverged: false,
    divergedReason: null,
    wallSeconds: 1.5 + k,
    examplesPerSecond: 100,
  };
}

/** Writes a run's per-step losses, per-epoch metrics and summary through its RunDir. */
function writeRun(dir: string, run: PlannedRun, summary: FitSummary): void {
  const rd = new RunDir(dir);
  rd.create(run.config);
  const state = { ...initialState() };
  for (let e = 1; e <= EPOCHS; e++) {
    const record: EpochRecord = {
      epoch: e,
      step: e * STEPS,
      lr: 0.1,
      stepLoss: 1 / e,
      trainLoss: 1 / e,
      trainAcc: Math.min(1, summary.trainAcc - 0.1 * (EPOCHS - e)),
      testLoss: 1,
      testAcc: summary.testAcc,
      seconds: 0,
    };
    Object.assign(state, { epoch: e, step: e * STEPS, history: [...state.history, record] });
    const losses = Float32Array.from({ length: STEPS }, (_, j) => 2 / (e * STEPS + j));
    rd.commitEpoch({ losses, tensors: new Map(), state, summary });
  }
}

/** The smoke plan of a preset with `seeds` seeds, each run complete unless `missing` says not. */
function fakeRuns(
  kind: ReportKind,
  seeds: number,
  root: string,
  o: { missing?: (k: number) => boolean; unfitted?: (k: number) => boolean } = {},
): ReportRun[] {
  const plan = planPreset(loadPreset(kind), 'smoke', {}, seeds);
  return plan.map((run, j) => {
    const k = run.replicate;
    if (o.missing?.(k)) return { run, summary: null };
    const dir = path.join(root, run.id);
    const fitted = !(o.unfitted?.(k) ?? false);
    const summary = outcome(run, Math.floor(j / seeds), k, dir, fitted);
    writeRun(dir, run, summary);
    return { run, summary };
  });
}

async function report(kind: ReportKind, runs: ReportRun[]) {
  const { built } = await presetReport(loadPreset(kind), 'smoke', runs, `genlab run ${kind}`);
  // The last table is the claims table: not this module's.
  return { figures: built.figures, tables: built.tables.slice(0, -1) };
}

const cells = (t: Table) => t.rows.flat().map(String);
const SPREAD = /^-?[\d,.]+%?×? ± [\d,.]+ \(-?[\d,.]+%?×?–-?[\d,.]+%?×?\)/;

test('statComparison, fmtCount and toFitCell: one seed plain, several with the mean ± interval (min–max)', () => {
  assert.deepEqual(statComparison(stat([80]), 85, { unit: '%' }), ['80.00%', '85.00%', '-5.00']);
  assert.deepEqual(statComparison(stat([80, 82, 84]), 85), ['82.00 ± 4.97 (80.00–84.00)', '85.00', '-3.00']);
  assert.deepEqual(statComparison(null, 85), ['—', '85.00', '—']);
  assert.equal(fmtCount(stat([1234])), 1234);
  assert.equal(fmtCount(stat([1200, 1300])), '1,250 (1,200–1,300)');
  assert.equal(fmtCount(stat([10, 11, 12])), '11 ± 2.5 (10–12)');
  const s = (stepsToFit: number | null, epochs = 5) => ({ stepsToFit, epochs }) as FitSummary;
  assert.equal(
    toFitCell([s(null)], (x) => x.stepsToFit),
    'not fitted (5 epochs)',
  );
  assert.equal(
    toFitCell([s(null)], (x) => x.stepsToFit, false),
    'not fitted',
  );
  assert.equal(
    toFitCell([s(100), s(null, 9), s(120)], (x) => x.stepsToFit),
    '110 (100–120) (2 of 3 fitted)',
  );
  assert.equal(
    toFitCell([], (x) => x.stepsToFit),
    null,
  );
  const t: Table = { columns: ['a'], rows: [['x'], ['y']], notes: ['n'] };
  assert.equal(
    withSeeds(
      t,
      [
        { done: 1, planned: 1 },
        { done: 1, planned: 1 },
      ],
      null,
    ),
    t,
  );
  assert.deepEqual(
    withSeeds(
      t,
      [
        { done: 3, planned: 3 },
        { done: 1, planned: 3 },
      ],
      'seeds note',
    ),
    {
      columns: ['a', 'seeds'],
      rows: [
        ['x', '3'],
        ['y', '1 of 3'],
      ],
      notes: ['n', 'seeds note'],
    },
  );
});

test('every fit report with one seed: plain numbers, no seeds column, no bands', async () => {
  const before = liveTensors();
  const root = tempDir('genlab-seeds-report-');
  for (const kind of PRESETS) {
    const { figures, tables } = await report(kind, fakeRuns(kind, 1, path.join(root, kind)));
    assert.ok(tables.length > 0, kind);
    for (const t of tables) {
      assert.ok(!t.columns.includes('seeds'), `${kind}: ${t.title}`);
      assert.ok(!cells(t).some((c) => c.includes(' ± ') || /\d–\d/.test(c)), `${kind}: ${t.title}`);
      assert.ok(!(t.notes ?? []).some((n) => n.includes('seeds')), `${kind}: ${t.title}`);
    }
    for (const f of figures) {
      assert.ok(!f.figure.svg.includes('opacity="0.18"'), `${kind}: ${f.name} has no band`);
      assert.ok(!f.figure.svg.includes('stroke-width="0.8"'), `${kind}: ${f.name} has no thin lines`);
    }
  }
  // Plain numbers, as the reports have always printed them.
  const t1 = (await report('table1', fakeRuns('table1', 1, path.join(root, 'again')))).tables[0];
  assert.match(String(t1.rows[0][2]), /^\d+\.\d\d$/);
  const f1a = (await report('fig1a', fakeRuns('fig1a', 1, path.join(root, 'again')))).tables[0];
  assert.deepEqual(f1a.rows[0].slice(1), ['100.00%', '50.00%', 8, '1.00×', 3, 1.5]);
  assert.equal(liveTensors(), before);
});

test('every fit report with three seeds: mean ± interval (min–max) per cell, seeds column and note, spread drawn', async () => {
  const before = liveTensors();
  const root = tempDir('genlab-seeds-report-');
  for (const kind of PRESETS) {
    const runs = fakeRuns(kind, 3, path.join(root, kind));
    const { figures, tables } = await report(kind, runs);
    const planned = new Set(runs.map((r) => JSON.stringify([r.run.variant, r.run.coords]))).size;
    for (const t of tables) {
      assert.ok(
        cells(t).some((c) => SPREAD.test(c)),
        `${kind}: ${t.title}: ${cells(t).join(' | ')}`,
      );
      assert.ok(
        (t.notes ?? []).some((n) => n.includes('the mean over its 3 seeds')),
        `${kind}: ${t.title}`,
      );
    }
    // Tables of cells: one row per cell, each with its 3 seeds.
    const perCell = tables.filter((t) => t.columns.includes('seeds'));
    assert.ok(perCell.length > 0, kind);
    for (const t of perCell) {
      assert.equal(t.rows.length, planned, `${kind}: ${t.title}`);
      assert.ok(
        t.rows.every((r) => r[r.length - 1] === '3'),
        `${kind}: ${t.title}`,
      );
    }
    const spread = figures.map(
      (f) => f.figure.svg.includes('opacity="0.18"') || f.figure.svg.includes('stroke-width="0.8"'),
    );
    assert.ok(spread.every(Boolean), `${kind}: every figure draws its seeds`);
    assert.ok(
      figures.every((f) => /seed/.test(f.caption)),
      `${kind}: captions say how`,
    );
  }
  assert.equal(liveTensors(), before);
});

test('a cell with seeds missing or unfitted: the complete ones, "k of n" seeds and "k of n fitted"', async () => {
  const before = liveTensors();
  const root = tempDir('genlab-seeds-report-');
  const partial = fakeRuns('fig1b', 3, path.join(root, 'partial'), {
    missing: (k) => k === 2,
    unfitted: (k) => k === 1,
  });
  const t = (await report('fig1b', partial)).tables[0];
  assert.deepEqual(
    t.rows.map((r) => r[r.length - 1]),
    t.rows.map(() => '2 of 3'),
  );
  assert.equal(t.rows[0][2], '8 (1 of 2 fitted)');
  assert.equal(t.rows[0][3], '1.00×');
  assert.equal(t.rows[0][4], '94.50% (89.00%–100.00%)');
  const none = fakeRuns('table1', 2, path.join(root, 'none'), { missing: () => true });
  const t1 = (await report('table1', none)).tables[0];
  assert.deepEqual(
    t1.rows.map((r) => [r[2], r[r.length - 1]]),
    t1.rows.map(() => ['—', '0 of 2']),
  );
  assert.equal(liveTensors(), before);
});
