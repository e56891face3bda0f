// The paper's claims for each figure or table, each with the value measured here and whether it holds.
import type { ReportKind } from '../presets/preset.js';
import { labelCorruption } from '../randomize/index.js';
import { RunDir } from '../store/run-dir.js';
import { modelLabel, type ReportRun } from './figures.js';
import { MISSING, type Table } from './table.js';
import { widthClaims } from './double-descent-width.js';

/** One claim: the paper's words (with the tolerance used here), the measured value, and the verdict. */
export interface Claim {
  claim: string;
  measured: string;
  holds: boolean | null; // null: not measurable yet (runs missing)
}

type Done = ReportRun & { summary: NonNullable<ReportRun['summary']> };
const complete = (runs: ReportRun[]): Done[] => runs.filter((r): r is Done => r.summary !== null);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const p = (r: ReportRun) => labelCorruption(r.run.config.randomization.labels);
const steps = (r: Done) => r.summary.stepsToFit ?? Number.POSITIVE_INFINITY; // not fitted: never
const byModel = (runs: Done[]) => {
  const out = new Map<string, Done[]>();
  for (const r of runs) out.set(r.run.config.model.name, [...(out.get(r.run.config.model.name) ?? []), r]);
  return out;
};
const isTrue = (r: ReportRun) => r.run.config.randomization.labels === 'true';
const isRandom = (r: ReportRun) => r.run.config.randomization.labels === 'random';

/** A check of each item (each model, each run) joined into one claim; holds when every check does, null when none could be made. */
function each<T>(items: T[], check: (x: T) => { text: string; holds: boolean } | null): Omit<Claim, 'claim'> {
  const got = items.map(check).filter((x): x is { text: string; holds: boolean } => x !== null);
  if (got.length === 0) return { measured: MISSING, holds: null };
  return { measured: got.map((g) => g.text).join('; '), holds: got.every((g) => g.holds) };
}

function fig1a(runs: Done[], sf: Record<string, string>): Claim[] {
  const fitted = runs.filter((r) => r.summary.stepsToFit !== null);
  const lowest = Math.min(...runs.map((r) => r.summary.trainAcc));
  const variant = (v: string) => runs.find((r) => r.run.variant === v);
  const rl = variant('random labels');
  const faster = ['random pixels', 'Gaussian'].map(variant).filter((r): r is Done => r !== undefined);
  return [
    {
      claim: 'Every variant reaches 100% training accuracy',
      measured: runs.length ? `${fitted.length} of ${runs.length} fitted; lowest ${pct(lowest)}` : MISSING,
      holds: runs.length ? fitted.length === runs.length : null,
    },
    {
      claim: 'Random pixels and Gaussian inputs converge faster than random labels (fewer steps to fit)',
      ...each(rl ? faster : [], (r) =>
        rl && (steps(r) < Infinity || steps(rl) < Infinity)
          ? {
              text: `${r.run.variant} ${r.summary.stepsToFit ?? 'not fitted'} vs. ${rl.summary.stepsToFit ?? 'not fitted'}`,
              holds: steps(r) < steps(rl),
            }
          : null,
      ),
    },
  ].map((c) => ({ ...c, claim: c.claim + modelNote(runs, sf) }));
}

const modelNote = (runs: Done[], sf: Record<string, string>) =>
  runs.length ? ` (${[...byModel(runs).keys()].map((m) => modelLabel(m, sf)).join(', ')})` : '';

function slowdown(runs: Done[], sf: Record<string, string>): Claim[] {
  const models = [...byModel(runs)];
  return [
    {
      claim:
        'Fitting random labels takes only a small constant factor longer than true labels (here: at most 10×)',
      ...each(models, ([m, rs]) => {
        const t = rs.find((r) => p(r) === 0);
        const r = rs.find((x) => p(x) === 1);
        if (!t || !r || steps(t) === Infinity) return null;
        const f = steps(r) / steps(t);
        return {
          text: `${modelLabel(m, sf)} ${Number.isFinite(f) ? `${f.toFixed(2)}×` : 'not fitted'}`,
          holds: f <= 10,
        };
      }),
    },
    {
      claim: 'The slowdown grows with the corruption level p (steps to fit never fall by more than 10%)',
      ...each(models, ([m, rs]) => {
        const s = [...rs].sort((a, b) => p(a) - p(b)).map(steps);
        if (s.length < 3) return null;
        const ok = s.every((x, i) => i === 0 || x >= 0.9 * s[i - 1]);
        return {
          text: `${modelLabel(m, sf)} ${s.map((x) => (Number.isFinite(x) ? x : '∞')).join(' → ')}`,
          holds: ok,
        };
      }),
    },
  ];
}

function testError(runs: Done[], sf: Record<string, string>): Claim[] {
  const models = [...byModel(runs)];
  const err = (r: Done) => 100 * (1 - r.summary.testAcc);
  return [
    {
      claim: 'Test error rises steadily with p (never falls by more than 2 points)',
      ...each(models, ([m, rs]) => {
        const e = [...rs].sort((a, b) => p(a) - p(b)).map(err);
        if (e.length < 3) return null;
        return {
          text: `${modelLabel(m, sf)} ${e.map((x) => x.toFixed(1)).join(' → ')}%`,
          holds: e.every((x, i) => i === 0 || x >= e[i - 1] - 2),
        };
      }),
    },
    {
      claim: 'At p = 1 test error is chance: 90% for 10 classes (here: at least 85%)',
      ...each(models, ([m, rs]) => {
        const r = rs.find((x) => p(x) === 1);
        return r ? { text: `${modelLabel(m, sf)} ${err(r).toFixed(2)}%`, holds: err(r) >= 85 } : null;
      }),
    },
  ];
}

function table1(runs: Done[], sf: Record<string, string>): Claim[] {
  const models = [...byModel(runs)];
  const random = runs.filter(isRandom);
  return [
    {
      claim: 'Every model fits random labels (Table 1: 99.34–100%; here: at least 99%)',
      ...each(random, (r) => ({
        text: `${modelLabel(r.run.config.model.name, sf)} ${pct(r.summary.trainAcc)}`,
        holds: r.summary.trainAcc >= 0.99,
      })),
    },
    {
      claim: 'Explicit regularizers change test accuracy by a few points (here: at most 5)',
      ...each(models, ([m, rs]) => {
        const none = rs.find((r) => r.run.variant === 'none');
        const others = rs.filter((r) => isTrue(r) && r !== none);
        if (!none || others.length === 0) return null;
        const d = Math.max(...others.map((r) => Math.abs(r.summary.testAcc - none.summary.testAcc))) * 100;
        return { text: `${modelLabel(m, sf)} ${d.toFixed(2)} points`, holds: d <= 5 };
      }),
    },
    {
      claim: 'With random labels test accuracy is chance: 10% (here: 7–13%)',
      ...each(random, (r) => ({
        text: `${modelLabel(r.run.config.model.name, sf)} ${pct(r.summary.testAcc)}`,
        holds: r.summary.testAcc >= 0.07 && r.summary.testAcc <= 0.13,
      })),
    },
  ];
}

function randomRegularized(runs: Done[], sf: Record<string, string>): Claim[] {
  const fits = (v: string, exceptAlexNet: boolean) =>
    each(
      runs.filter(
        (r) => r.run.variant === v && !(exceptAlexNet && r.run.config.model.name.startsWith('alexnet')),
      ),
      (r) => ({
        text: `${modelLabel(r.run.config.model.name, sf)} ${pct(r.summary.trainAcc)}`,
        holds: r.summary.trainAcc >= 0.99,
      }),
    );
  return [
    {
      claim:
        'Random labels are fitted with weight decay, except by AlexNet, which fails to converge (here: at least 99%)',
      ...fits('weight decay', true),
    },
    { claim: 'Inception fits random labels with random crop (99.93%)', ...fits('random crop', false) },
    {
      claim: 'Inception fits random labels with full augmentation (99.28%)',
      ...fits('full augmentation', false),
    },
  ];
}

function earlyStopping(runs: Done[], sf: Record<string, string>): Claim[] {
  return [
    {
      claim:
        'Early stopping helps test accuracy little: the best epoch beats the last by a few points (here: at most 5)',
      ...each(runs.filter(isTrue), (r) => {
        const gain = 100 * (r.summary.bestTestAcc - r.summary.testAcc);
        return {
          text: `${modelLabel(r.run.config.model.name, sf)} ${r.run.variant} +${gain.toFixed(2)}`,
          holds: gain <= 5,
        };
      }),
    },
  ];
}

/** Mean absolute change of test accuracy from epoch to epoch, in points: how unsteady training is. */
function unsteadiness(r: Done): number {
  const h = new RunDir(r.summary.dir).readMetrics();
  if (h.length < 2) return NaN;
  return (100 * h.slice(1).reduce((a, e, i) => a + Math.abs(e.testAcc - h[i].testAcc), 0)) / (h.length - 1);
}

function fig2b(runs: Done[], sf: Record<string, string>): Claim[] {
  const bn = runs.find((r) => r.run.config.model.name === 'inception-small');
  const nobn = runs.find((r) => r.run.config.model.name === 'inception-small-nobn');
  const both = bn && nobn ? [bn, nobn] : [];
  return [
    {
      claim: 'With and without BN, Inception reaches 100% training accuracy (here: at least 99%)',
      ...each(runs, (r) => ({
        text: `${modelLabel(r.run.config.model.name, sf)} ${pct(r.summary.trainAcc)}`,
        holds: r.summary.trainAcc >= 0.99,
      })),
    },
    {
      claim: "BN's effect on test accuracy is 3–4 points (here: 1–6 points higher with BN)",
      ...each(both.slice(0, 1), () => {
        const d = 100 * ((bn?.summary.testAcc ?? NaN) - (nobn?.summary.testAcc ?? NaN));
        return { text: `${d >= 0 ? '+' : ''}${d.toFixed(2)} points`, holds: d >= 1 && d <= 6 };
      }),
    },
    {
      claim: 'BN steadies training (smaller epoch-to-epoch changes of test accuracy)',
      ...each(both.slice(0, 1), () => {
        const [a, b] = [unsteadiness(bn as Done), unsteadiness(nobn as Done)];
        if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
        return { text: `${a.toFixed(2)} points an epoch with BN, ${b.toFixed(2)} without`, holds: a < b };
      }),
    },
  ];
}

/** The claims of one report kind, measured on the complete runs. */
export function claimsOf(kind: ReportKind, runs: ReportRun[], sf: Record<string, string>): Claim[] {
  const done = complete(runs);
  switch (kind) {
    case 'fig1a':
      return fig1a(done, sf);
    case 'fig1b':
      return slowdown(done, sf);
    case 'fig1c':
      return testError(done, sf);
    case 'table1':
      return table1(done, sf);
    case 'table-random-regularized':
      return randomRegularized(done, sf);
    case 'early-stopping':
      return earlyStopping(done, sf);
    case 'fig2b':
      return fig2b(done, sf);
    case 'double-descent-width':
      return widthClaims(done);
  }
}

/** Claims as a table: claim, measured, holds (yes, no, or — until the runs exist). */
export function claimRows(claims: Claim[]): Table {
  return {
    title: "The paper's claims, measured here",
    columns: ['claim (paper)', 'measured', 'holds'],
    rows: claims.map((c) => [c.claim, c.measured, c.holds === null ? MISSING : c.holds ? 'yes' : 'no']),
    notes: [
      "Only complete runs count. The tolerances in parentheses are genlab's reading of the paper's words.",
    ],
  };
}

/** A report kind's claims as a table. */
export function claimsTable(kind: ReportKind, runs: ReportRun[], sf: Record<string, string>): Table {
  return claimRows(claimsOf(kind, runs, sf));
}
