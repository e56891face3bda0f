// The paper's claims for each figure or table, measured on a preset's runs: each a test with four verdicts (holds,
// fails, inconclusive, not measured) on signed quantities, decided against the seed spread or one seed's noise.
import type { ReportKind } from '../presets/preset.js';
import { datasetLayout } from '../data/index.js';
import { labelCorruption } from '../randomize/index.js';
import { RunDir } from '../store/run-dir.js';
import type { EpochRecord } from '../train/index.js';
import { modelLabel, paperModel } from './figures.js';
import { cellsOf, stat, fmtStat, type Done, type ReportCell, type ReportRun } from './seeds.js';
import { MISSING, type Table } from './table.js';
import {
  above,
  atLeast,
  atMost,
  below,
  between,
  difference,
  every,
  intervalOf,
  ratio,
  samplingError,
  type Interval,
  type Verdict,
} from './verdict.js';

/** One claim: the paper's words (with the tolerance used here), what was measured, the verdict, and the runs behind it. */
export interface Claim {
  claim: string;
  verdict: Verdict;
  measured: string;
  runs: string[]; // ids of the runs the claim looked at (complete or not)
}

/** One checked item of a claim (a model, a variant, a pair of cells). */
interface Part {
  text: string;
  verdict: Verdict;
  runs: string[];
}

const ids = (...cells: ReportCell[]) => cells.flatMap((c) => c.runs.map((r) => r.run.id));

/** A claim from its parts: every() of their verdicts, their texts joined; not measured without parts. */
function claimOf(claim: string, parts: Part[]): Claim {
  if (parts.length === 0) return { claim, verdict: 'not measured', measured: MISSING, runs: [] };
  return {
    claim,
    verdict: every(parts.map((p) => p.verdict)),
    measured: parts.map((p) => p.text).join('; '),
    runs: [...new Set(parts.flatMap((p) => p.runs))],
  };
}

const isComplete = (c: ReportCell) => c.runs.length > 0 && c.done.length === c.runs.length;

/** The part a cell with runs still missing makes: not measured, saying how many are complete. */
function missing(name: string, ...cells: ReportCell[]): Part | null {
  const short = cells.filter((c) => !isComplete(c));
  if (short.length === 0) return null;
  const have = short.reduce((a, c) => a + c.done.length, 0);
  const want = short.reduce((a, c) => a + c.runs.length, 0);
  return { text: `${name}: ${have} of ${want} runs complete`, verdict: 'not measured', runs: ids(...cells) };
}

const fitted = (r: Done) => r.summary.stepsToFit !== null;
const allFitted = (c: ReportCell) => c.done.every(fitted);
const noneFitted = (c: ReportCell) => !c.done.some(fitted);
const epochsText = (c: ReportCell) => {
  const e = [...new Set(c.done.map((r) => r.summary.epochs))];
  return e.length === 1 ? `${e[0]} epochs` : `${Math.min(...e)}–${Math.max(...e)} epochs`;
};

/** The test images a run is evaluated on. */
function testSize(c: ReportCell): number {
  const d = c.run.config.dataset;
  const all = datasetLayout(d.name).test;
  return Math.min(d.testSize ?? all, all);
}

const p = (c: ReportCell) => labelCorruption(c.run.config.randomization.labels);
const isTrue = (c: ReportCell) => c.run.config.randomization.labels === 'true';
const isRandom = (c: ReportCell) => c.run.config.randomization.labels === 'random';
const model = (c: ReportCell) => c.run.config.model.name;
const byModel = (cells: ReportCell[]) => {
  const out = new Map<string, ReportCell[]>();
  for (const c of cells) out.set(model(c), [...(out.get(model(c)) ?? []), c]);
  return out;
};
const sortByP = (cells: ReportCell[]) => [...cells].sort((a, b) => p(a) - p(b));
const pts = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

/** A cell's metric as an interval (percent for accuracies); null when none of its runs gives a value. */
function cellInterval(c: ReportCell, of: (r: Done) => number | null, oneSeed = 0): Interval | null {
  const s = stat(c.done.map(of).filter((x): x is number => x !== null));
  return s ? intervalOf(s, oneSeed) : null;
}
const showInterval = (x: Interval, digits = 2, unit = '') =>
  x.hi > x.lo
    ? `${x.value.toFixed(digits)}${unit} [${x.lo.toFixed(digits)}, ${x.hi.toFixed(digits)}]`
    : `${x.value.toFixed(digits)}${unit}`;

/** One seed's noise of a cell's test accuracy, in points: the 95% sampling error on its test set. */
const accNoise = (c: ReportCell, acc: number) => 100 * samplingError(acc, testSize(c));
/** One seed's noise of steps to fit: one epoch's steps (fitting is checked at epoch ends). */
const epochSteps = (c: ReportCell) =>
  c.done.length ? Math.max(...c.done.map((r) => r.summary.steps / Math.max(1, r.summary.epochs))) : 0;

const steps = (c: ReportCell) => cellInterval(c, (r) => r.summary.stepsToFit, epochSteps(c));

// Epoch records, read once per run directory.
const records = new Map<string, EpochRecord[]>();
function history(r: Done): EpochRecord[] {
  const dir = r.summary.dir;
  let h = records.get(dir);
  if (!h) {
    h = dir ? new RunDir(dir).readMetrics() : [];
    records.set(dir, h);
  }
  return h;
}
/** A run's test accuracy after `epoch` epochs (its final one when it ran exactly that many). */
function testAccAt(r: Done, epoch: number): number | null {
  if (r.summary.epochs === epoch) return r.summary.testAcc;
  return history(r).find((e) => e.epoch === epoch)?.testAcc ?? null;
}

/** Test accuracy of two cells at the same budget: both after the fewest epochs any of their runs trained. */
function atEqualEpochs(a: ReportCell, b: ReportCell): { a: Interval; b: Interval; epoch: number } | null {
  const epoch = Math.min(...[...a.done, ...b.done].map((r) => r.summary.epochs));
  const acc = (c: ReportCell) => {
    const s = stat(c.done.map((r) => testAccAt(r, epoch)).filter((x): x is number => x !== null));
    return s && s.n === c.done.length ? intervalOf({ ...s, ...scaled(s) }, accNoise(c, s.mean)) : null;
  };
  const [x, y] = [acc(a), acc(b)];
  return x && y ? { a: x, b: y, epoch } : null;
}
/** A stat of fractions in percent. */
function scaled(s: NonNullable<ReturnType<typeof stat>>) {
  return {
    mean: 100 * s.mean,
    min: 100 * s.min,
    max: 100 * s.max,
    half: s.half === null ? null : 100 * s.half,
    values: s.values.map((v) => 100 * v),
  };
}

type Ctx = { sf: Record<string, string> };
const label = (c: ReportCell, x: Ctx) => modelLabel(model(c), x.sf);

// ---- Figure 1a ----------------------------------------------------------------------------------

function fitsAll(cells: ReportCell[], name: (c: ReportCell) => string, least = 1): Part[] {
  return cells.map((c) => {
    const gap = missing(name(c), c);
    if (gap) return gap;
    const acc = cellInterval(c, (r) => 100 * r.summary.trainAcc) as Interval;
    const verdict = least === 1 ? (allFitted(c) ? 'holds' : 'fails') : atLeast(acc, 100 * least);
    const n = c.done.filter(fitted).length;
    const seeds = c.done.length > 1 ? ` (${n} of ${c.done.length} seeds fitted)` : '';
    return {
      text:
        verdict === 'holds'
          ? `${name(c)} ${showInterval(acc)}%${seeds}`
          : `${name(c)} ${showInterval(acc)}% after ${epochsText(c)}${seeds}`,
      verdict,
      runs: ids(c),
    };
  });
}

/** Claimed: cell `fast` fits in fewer steps than `slow`, at the same epoch budget. */
function fewerSteps(fast: ReportCell, slow: ReportCell, name: string): Part {
  const gap = missing(name, fast, slow);
  if (gap) return gap;
  const runs = ids(fast, slow);
  if (allFitted(fast) && allFitted(slow)) {
    const [f, s] = [steps(fast) as Interval, steps(slow) as Interval];
    return {
      text: `${name}: ${showInterval(f, 0)} vs. ${showInterval(s, 0)} steps`,
      verdict: below(difference(f, s), 0),
      runs,
    };
  }
  if (allFitted(fast) && noneFitted(slow))
    return { text: `${name}: fitted, the other not within ${epochsText(slow)}`, verdict: 'holds', runs };
  if (noneFitted(fast) && allFitted(slow))
    return {
      text: `${name}: not fitted within ${epochsText(fast)}, the other fitted`,
      verdict: 'fails',
      runs,
    };
  if (noneFitted(fast) && noneFitted(slow))
    return { text: `${name}: neither fitted within ${epochsText(fast)}`, verdict: 'not measured', runs };
  return { text: `${name}: some seeds fitted, some not`, verdict: 'inconclusive', runs };
}

function fig1a(cells: ReportCell[], x: Ctx): Claim[] {
  const variant = (v: string) => cells.find((c) => c.run.variant === v);
  const rl = variant('random labels');
  const faster = ['random pixels', 'Gaussian'].map(variant).filter((c): c is ReportCell => c !== undefined);
  const models = [...byModel(cells).keys()].map((m) => modelLabel(m, x.sf)).join(', ');
  const note = models ? ` (${models})` : '';
  return [
    claimOf(
      `Every variant reaches 100% training accuracy${note}`,
      fitsAll(cells, (c) => c.run.variant),
    ),
    claimOf(
      `Random pixels and Gaussian inputs converge faster than random labels (fewer steps to fit)${note}`,
      rl ? faster.map((c) => fewerSteps(c, rl, `${c.run.variant} vs. random labels`)) : [],
    ),
  ];
}

// ---- Figures 1b and 1c ------------------------------------------------------------------------

function slowdown(cells: ReportCell[], x: Ctx): Claim[] {
  const models = [...byModel(cells)];
  const factor = models.map(([, cs]): Part | null => {
    const t = cs.find((c) => p(c) === 0);
    const r = cs.find((c) => p(c) === 1);
    if (!t || !r) return null;
    const name = label(t, x);
    const gap = missing(name, t, r);
    if (gap) return gap;
    const runs = ids(t, r);
    if (!allFitted(t))
      return {
        text: `${name}: true labels not fitted within ${epochsText(t)}`,
        verdict: 'not measured',
        runs,
      };
    const ts = steps(t) as Interval;
    if (allFitted(r)) {
      const f = ratio(steps(r) as Interval, ts);
      return { text: `${name} ${showInterval(f)}×`, verdict: atMost(f, 10), runs };
    }
    // Random labels not fitted: the factor is at least the budget over true labels' steps.
    const budget = Math.min(...r.done.map((d) => d.summary.steps));
    const least = budget / ts.hi;
    return least > 10
      ? {
          text: `${name}: random labels not fitted in ${budget} steps, > ${least.toFixed(1)}×`,
          verdict: 'fails',
          runs,
        }
      : {
          text: `${name}: random labels not fitted in ${budget} steps (≥ ${least.toFixed(1)}×; a longer budget decides)`,
          verdict: 'not measured',
          runs,
        };
  });
  const grows = models.map(([, cs]): Part | null => {
    const s = sortByP(cs);
    if (s.length < 3) return null;
    const name = label(s[0], x);
    const gap = missing(name, ...s);
    if (gap) return gap;
    const runs = ids(...s);
    const unfitted = s.filter((c) => !allFitted(c));
    if (unfitted.length)
      return {
        text: `${name}: p = ${unfitted.map(p).join(', ')} not fitted within ${epochsText(unfitted[0])}`,
        verdict: 'not measured',
        runs,
      };
    const st = s.map((c) => steps(c) as Interval);
    const text = `${name} ${st.map((i) => i.value.toFixed(0)).join(' → ')}`;
    const falls = st.slice(1).some((v, i) => below(difference(v, st[i]), 0) === 'holds');
    return { text, verdict: falls ? 'fails' : above(difference(st[st.length - 1], st[0]), 0), runs };
  });
  return [
    claimOf(
      'Fitting random labels takes only a small constant factor longer than true labels (here: at most 10×)',
      factor.filter((q): q is Part => q !== null),
    ),
    claimOf(
      'The slowdown grows with the corruption level p (steps to fit rise from p = 0 to p = 1 and never fall beyond the noise)',
      grows.filter((q): q is Part => q !== null),
    ),
  ];
}

function testError(cells: ReportCell[], x: Ctx): Claim[] {
  const models = [...byModel(cells)];
  // Test error at convergence (the paper's measure): every seed fitted, else not measured.
  const err = (c: ReportCell) =>
    cellInterval(c, (r) => 100 * (1 - r.summary.testAcc), accNoise(c, c.done[0]?.summary.testAcc ?? 0.5));
  const converged = (name: string, cs: ReportCell[]): Part | null => {
    const gap = missing(name, ...cs);
    if (gap) return gap;
    const unfitted = cs.filter((c) => !allFitted(c));
    return unfitted.length
      ? {
          text: `${name}: p = ${unfitted.map(p).join(', ')} not fitted within ${epochsText(unfitted[0])} (test error at convergence)`,
          verdict: 'not measured',
          runs: ids(...cs),
        }
      : null;
  };
  const rises = models.map(([, cs]): Part | null => {
    const s = sortByP(cs);
    if (s.length < 3) return null;
    const name = label(s[0], x);
    const not = converged(name, s);
    if (not) return not;
    const e = s.map((c) => err(c) as Interval);
    const falls = e.slice(1).some((v, i) => below(difference(v, e[i]), 0) === 'holds');
    return {
      text: `${name} ${e.map((i) => i.value.toFixed(1)).join(' → ')}%`,
      verdict: falls ? 'fails' : above(difference(e[e.length - 1], e[0]), 0),
      runs: ids(...s),
    };
  });
  const chance = models.map(([, cs]): Part | null => {
    const r = cs.find((c) => p(c) === 1);
    if (!r) return null;
    const name = label(r, x);
    const not = converged(name, [r]);
    if (not) return not;
    const e = err(r) as Interval;
    return { text: `${name} ${showInterval(e, 2, '%')}`, verdict: between(e, 85, 95), runs: ids(r) };
  });
  return [
    claimOf(
      'Test error at convergence rises with p (from p = 0 to p = 1, never falling beyond the noise)',
      rises.filter((q): q is Part => q !== null),
    ),
    claimOf(
      'At p = 1 test error is chance: 90% for 10 classes (here: within 85–95%)',
      chance.filter((q): q is Part => q !== null),
    ),
  ];
}

// ---- Table 1 and the appendix ------------------------------------------------------------------

const hasCrop = (c: ReportCell) => c.run.config.train.augment.includes('crop');
const hasWd = (c: ReportCell) => c.run.config.train.weightDecay > 0;
const regularizerText = (c: ReportCell) =>
  [hasCrop(c) ? 'crop' : '', hasWd(c) ? 'weight decay' : ''].filter(Boolean).join(' + ') || 'none';

/** Test accuracy with a regularizer minus without, in points, at the same epoch. */
function regularizerGain(reg: ReportCell, none: ReportCell, x: Ctx): { part: Part; gain: Interval | null } {
  const name = `${label(reg, x)} ${regularizerText(reg)}`;
  const gap = missing(name, reg, none);
  if (gap) return { part: gap, gain: null };
  const eq = atEqualEpochs(reg, none);
  if (!eq)
    return {
      part: { text: `${name}: no common epoch`, verdict: 'not measured', runs: ids(reg, none) },
      gain: null,
    };
  const gain = difference(eq.a, eq.b);
  return {
    part: {
      text: `${name} ${showInterval(gain)} points at epoch ${eq.epoch}`,
      verdict: 'holds',
      runs: ids(reg, none),
    },
    gain,
  };
}

function table1(cells: ReportCell[], x: Ctx): Claim[] {
  const random = cells.filter(isRandom);
  const pairs = [...byModel(cells)].flatMap(([, cs]) => {
    const none = cs.find((c) => isTrue(c) && !hasCrop(c) && !hasWd(c));
    return none ? cs.filter((c) => isTrue(c) && c !== none).map((reg) => ({ reg, none })) : [];
  });
  const gains = pairs.map(({ reg, none }) => ({ reg, ...regularizerGain(reg, none, x) }));
  // The paper's one regularized row that is worse than none: MLP 1×512 with weight decay alone (−0.12).
  const exception = (c: ReportCell) => paperModel(model(c), x.sf) === 'mlp-1x512' && hasWd(c) && !hasCrop(c);
  return [
    claimOf(
      'Every model fits random labels (Table 1: 99.34–100%; here: at least 99%)',
      fitsAll(random, (c) => label(c, x), 0.99),
    ),
    claimOf(
      'Regularizers are not necessary to generalize: without them test accuracy is at most 5 points below the regularized runs (at equal epochs)',
      gains.map((g) => (g.gain ? { ...g.part, verdict: atMost(g.gain, 5) } : g.part)),
    ),
    claimOf(
      'Explicit regularizers improve test accuracy (Table 1: +0.3 to +5.2 points; MLP 1×512 with weight decay alone, −0.12, left out)',
      gains
        .filter((g) => !exception(g.reg))
        .map((g) => (g.gain ? { ...g.part, verdict: above(g.gain, 0) } : g.part)),
    ),
    claimOf(
      'With random labels test accuracy is chance: 10% (here: within 7–13%)',
      random.map((c) => {
        const gap = missing(label(c, x), c);
        if (gap) return gap;
        const acc = cellInterval(c, (r) => 100 * r.summary.testAcc, accNoise(c, 0.1)) as Interval;
        return {
          text: `${label(c, x)} ${showInterval(acc, 2, '%')}`,
          verdict: between(acc, 7, 13),
          runs: ids(c),
        };
      }),
    ),
  ];
}

function randomRegularized(cells: ReportCell[], x: Ctx): Claim[] {
  const of = (v: string) => cells.filter((c) => c.run.variant === v);
  const isAlexNet = (c: ReportCell) => paperModel(model(c), x.sf) === 'alexnet-small';
  const wd = of('weight decay');
  const alexnet = wd.filter(isAlexNet).map((c): Part => {
    const gap = missing(label(c, x), c);
    if (gap) return gap;
    const acc = cellInterval(c, (r) => 100 * r.summary.trainAcc) as Interval;
    return {
      text: `${label(c, x)} ${showInterval(acc)}% (should not converge)`,
      verdict: below(acc, 99),
      runs: ids(c),
    };
  });
  return [
    claimOf(
      'Random labels are fitted with weight decay (here: at least 99%), except by AlexNet, which fails to converge (here: below 99%)',
      [
        ...fitsAll(
          wd.filter((c) => !isAlexNet(c)),
          (c) => label(c, x),
          0.99,
        ),
        ...alexnet,
      ],
    ),
    claimOf(
      'Inception fits random labels with random crop (99.93%; here: at least 99%)',
      fitsAll(of('random crop'), (c) => label(c, x), 0.99),
    ),
    claimOf(
      'Inception fits random labels with full augmentation (99.28%; here: at least 99%)',
      fitsAll(of('full augmentation'), (c) => label(c, x), 0.99),
    ),
  ];
}

// ---- Implicit regularizers --------------------------------------------------------------------

function earlyStopping(cells: ReportCell[], x: Ctx): Claim[] {
  return [
    claimOf(
      'Early stopping helps test accuracy a little: the best epoch beats the last (Table 2, ImageNet: +3.36 points; here: beyond the noise, at most 5 points)',
      cells.filter(isTrue).map((c) => {
        const name = `${label(c, x)} ${regularizerText(c)}`;
        const gap = missing(name, c);
        if (gap) return gap;
        // A run stopped at its first fitted epoch never trained past it: its best and last epoch agree by construction.
        if (c.run.config.train.stopAtTarget && c.done.some(fitted))
          return {
            text: `${name}: stopped at the first fitted epoch (${epochsText(c)}); early stopping needs training past it (--set train.stopAtTarget=false)`,
            verdict: 'not measured',
            runs: ids(c),
          };
        const s = stat(c.done.map((r) => 100 * (r.summary.bestTestAcc - r.summary.testAcc)));
        if (!s) return { text: `${name}: no finite accuracies`, verdict: 'not measured', runs: ids(c) };
        // Best and last are two measurements on one test set: one seed's noise is √2 sampling errors.
        const gain = intervalOf(s, Math.SQRT2 * accNoise(c, c.done[0].summary.testAcc));
        return {
          text: `${name} ${pts(gain.value)} [${pts(gain.lo)}, ${pts(gain.hi)}] after ${epochsText(c)}`,
          verdict: gain.lo > 0 ? atMost(gain, 5) : 'inconclusive',
          runs: ids(c),
        };
      }),
    ),
  ];
}

/** Mean absolute change of test accuracy from epoch to epoch over the first `epochs` epochs, in points. */
function unsteadiness(r: Done, epochs: number): number {
  const h = history(r).slice(0, epochs);
  if (h.length < 2) return NaN;
  return (100 * h.slice(1).reduce((a, e, i) => a + Math.abs(e.testAcc - h[i].testAcc), 0)) / (h.length - 1);
}

function fig2b(cells: ReportCell[], x: Ctx): Claim[] {
  const bn = cells.find((c) => model(c) === 'inception-small');
  const nobn = cells.find((c) => model(c) === 'inception-small-nobn');
  const effect: Part[] = [];
  const steadier: Part[] = [];
  if (bn && nobn) {
    const gap = missing('with and without BN', bn, nobn);
    const eq = gap ? null : atEqualEpochs(bn, nobn);
    if (gap) {
      effect.push(gap);
      steadier.push(gap);
    } else if (eq) {
      const d = difference(eq.a, eq.b);
      const trained = (c: ReportCell) => c.done.every((r) => r.summary.trainAcc >= 0.9);
      const untrained = [bn, nobn].filter((c) => !trained(c));
      const notTrained = untrained
        .map(
          (c) =>
            `${label(c, x)} does not train (train ${fmtStat(stat(c.done.map((r) => 100 * r.summary.trainAcc)), 1, '%')})`,
        )
        .join('; ');
      effect.push(
        notTrained
          ? {
              text: `${notTrained}: BN's effect between networks that train is not measured (${showInterval(d)} points at epoch ${eq.epoch})`,
              verdict: 'not measured',
              runs: ids(bn, nobn),
            }
          : {
              text: `${showInterval(d)} points at epoch ${eq.epoch}`,
              verdict: between(d, 1, 6),
              runs: ids(bn, nobn),
            },
      );
      if (notTrained)
        steadier.push({
          text: `${notTrained}: steadiness of a network that does not learn says nothing`,
          verdict: 'not measured',
          runs: ids(bn, nobn),
        });
      else {
        const u = (c: ReportCell) =>
          cellInterval(c, (r) => unsteadiness(r, eq.epoch), accNoise(c, c.done[0].summary.testAcc));
        const [a, b] = [u(bn), u(nobn)];
        if (a && b)
          steadier.push({
            text: `${a.value.toFixed(2)} points an epoch with BN, ${b.value.toFixed(2)} without (first ${eq.epoch} epochs)`,
            verdict: above(difference(b, a), 0),
            runs: ids(bn, nobn),
          });
      }
    }
  }
  return [
    claimOf(
      'With and without BN, Inception reaches 100% training accuracy (here: at least 99%)',
      fitsAll(cells, (c) => label(c, x), 0.99),
    ),
    claimOf(
      "BN's effect on test accuracy is 3–4 points (here: 1–6 points higher with BN, at equal epochs)",
      effect,
    ),
    claimOf('BN steadies training (smaller epoch-to-epoch changes of test accuracy)', steadier),
  ];
}

// ---- Model-wise double descent -----------------------------------------------------------------

/** One model size of a noise level's curve: its cell, parameters, test error (%, as an interval) and whether every seed fits. */
interface WidthPoint {
  cell: ReportCell;
  size: number;
  err: Interval;
  fits: boolean;
}

function widthClaims(cells: ReportCell[]): Claim[] {
  const levels = new Map<number, ReportCell[]>();
  for (const c of cells) levels.set(p(c), [...(levels.get(p(c)) ?? []), c]);
  const curves = [...levels]
    .sort((a, b) => a[0] - b[0])
    .map(([noise, cs]) => {
      const name = `${Math.round(100 * noise)}% noise`;
      const gap = missing(name, ...cs);
      const points: WidthPoint[] = gap
        ? []
        : cs
            .map((c) => ({
              cell: c,
              size: c.done[0].summary.params,
              err: cellInterval(
                c,
                (r) => 100 * (1 - r.summary.testAcc),
                accNoise(c, c.done[0].summary.testAcc),
              ) as Interval,
              fits: c.done.every((r) => r.summary.trainAcc >= 1),
            }))
            .sort((a, b) => a.size - b.size);
      return { noise, name, gap, points, runs: ids(...cs) };
    })
    .filter((c) => c.gap || c.points.length >= 3);
  // The most prominent interior maximum of the mean test error, its rise and fall as intervals.
  const peaks = curves.map((c) => {
    if (c.gap) return { c, part: c.gap, peak: null };
    const e = c.points.map((q) => q.err);
    let best: { i: number; rise: Interval; fall: Interval } | null = null;
    for (let i = 1; i < e.length - 1; i++) {
      const lowest = (xs: Interval[]) => xs.reduce((a, b) => (b.value < a.value ? b : a));
      const rise = difference(e[i], lowest(e.slice(0, i)));
      const fall = difference(e[i], lowest(e.slice(i + 1)));
      if (!best || Math.min(rise.value, fall.value) > Math.min(best.rise.value, best.fall.value))
        best = { i, rise, fall };
    }
    if (!best) return { c, part: null, peak: null };
    const q = c.points[best.i];
    const verdict = every([above(best.rise, 0), above(best.fall, 0)]);
    const part: Part = {
      text: `${c.name}: ${verdict === 'holds' ? 'peak' : 'highest interior point'} ${q.err.value.toFixed(1)}% at ${q.size.toLocaleString('en-US')} parameters (${pts(best.rise.value)} [${pts(best.rise.lo)}, ${pts(best.rise.hi)}] over smaller, ${pts(best.fall.value)} [${pts(best.fall.lo)}, ${pts(best.fall.hi)}] over larger)`,
      verdict,
      runs: c.runs,
    };
    return { c, part, peak: verdict === 'holds' ? q : null };
  });
  const firstFit = (c: (typeof curves)[number]) => c.points.find((q) => q.fits) ?? null;
  const noisy = peaks.filter(({ c }) => c.noise > 0);
  return [
    claimOf(
      'With label noise, test error peaks between small and large models (Nakkiran et al. 2019; here: an interior maximum above the best smaller and the best larger model beyond the noise)',
      noisy.map(({ part }) => part).filter((q): q is Part => q !== null),
    ),
    claimOf(
      'The peak lies near the interpolation threshold (here: within 4× of the smallest model that fits the training set)',
      noisy
        .filter(({ part }) => part !== null)
        .map(({ c, peak }): Part => {
          const fit = firstFit(c);
          if (c.gap) return c.gap;
          if (!peak) return { text: `${c.name}: no peak`, verdict: 'not measured', runs: c.runs };
          if (!fit)
            return {
              text: `${c.name}: no width fits the training set`,
              verdict: 'not measured',
              runs: c.runs,
            };
          const r = peak.size / fit.size;
          return {
            text: `${c.name}: peak at ${r.toFixed(2)}× the smallest fit (${fit.size.toLocaleString('en-US')})`,
            verdict: r >= 0.25 && r <= 4 ? 'holds' : 'fails',
            runs: c.runs,
          };
        }),
    ),
    claimOf(
      'More label noise needs a larger model to fit (the interpolation threshold grows with noise)',
      curves.some((c) => c.gap)
        ? curves.filter((c) => c.gap).map((c) => c.gap as Part)
        : curves.length < 2
          ? []
          : [
              ((): Part => {
                const fits = curves.map(firstFit);
                const runs = curves.flatMap((c) => c.runs);
                const text = curves
                  .map((c, i) => `${c.name}: ${fits[i] ? fits[i].size.toLocaleString('en-US') : 'none fits'}`)
                  .join(' → ');
                if (fits.filter((f) => f !== null).length < 2) return { text, verdict: 'not measured', runs };
                const sizes = fits.map((f) => f?.size ?? Number.POSITIVE_INFINITY);
                return {
                  text,
                  verdict: sizes.every((v, i) => i === 0 || v >= sizes[i - 1]) ? 'holds' : 'fails',
                  runs,
                };
              })(),
            ],
    ),
    claimOf(
      'Past the peak, larger models generalize better (here: the largest model below the peak, beyond the noise)',
      noisy
        .filter(({ part }) => part !== null)
        .map(({ c, peak }): Part => {
          if (c.gap) return c.gap;
          if (!peak) return { text: `${c.name}: no peak`, verdict: 'not measured', runs: c.runs };
          const last = c.points[c.points.length - 1].err;
          return {
            text: `${c.name}: ${peak.err.value.toFixed(1)}% → ${last.value.toFixed(1)}%`,
            verdict: below(difference(last, peak.err), 0),
            runs: c.runs,
          };
        }),
    ),
  ];
}

/** The claims of one report kind, measured on its runs (complete or not). */
export function claimsOf(kind: ReportKind, runs: ReportRun[], sf: Record<string, string>): Claim[] {
  const cells = cellsOf(runs);
  const x = { sf };
  switch (kind) {
    case 'fig1a':
      return fig1a(cells, x);
    case 'fig1b':
      return slowdown(cells, x);
    case 'fig1c':
      return testError(cells, x);
    case 'table1':
      return table1(cells, x);
    case 'table-random-regularized':
      return randomRegularized(cells, x);
    case 'early-stopping':
      return earlyStopping(cells, x);
    case 'fig2b':
      return fig2b(cells, x);
    case 'double-descent-width':
      return widthClaims(cells);
    case 'memorization':
      return []; // measured on per-example records, not summaries: memorizationClaim, by the report's builder
    case 'random-labels-protocol':
    case 'random-labels-capacity':
      return []; // measured on per-epoch records: fitsClaim, by the report's builder (random-labels.ts)
  }
}

/** Claims as a table: claim, measured, verdict. */
export function claimRows(claims: Claim[]): Table {
  return {
    title: "The paper's claims, measured here",
    columns: ['claim (paper)', 'measured', 'verdict'],
    rows: claims.map((c) => [c.claim, c.measured, c.verdict]),
    notes: [
      "Verdicts: holds, fails, inconclusive (the effect is within its noise: the seeds' spread — min–max for two seeds, a 95% interval for three or more — or, for one seed, the test set's 95% sampling error or one epoch of steps), not measured (runs missing, or not fitted where the claim needs them). Intervals in [brackets]. The tolerances in parentheses are genlab's reading of the paper's words.",
    ],
  };
}

/** A report kind's claims as a table. */
export function claimsTable(kind: ReportKind, runs: ReportRun[], sf: Record<string, string>): Table {
  return claimRows(claimsOf(kind, runs, sf));
}
