// Memorization scores (Feldman & Zhang 2020): K fits on random subsets of one training set, and for each
// example the accuracy of the models that trained on it less that of the models that held it out.
import { InputError } from '../engine/index.js';
import { bitAt, decodeFloat16 } from '../train/index.js';
import type { PlannedRun } from './fit-kind.js';
import { TRAIN_CORRECT, TRAIN_LABEL_PROB, trainMembers } from './fit.js';
import { withRunTrainingSet } from './examples.js';
import type { RunStore } from '../store/store.js';
import type { RunDir } from '../store/run-dir.js';

// The K runs are presets/memorization.json's plan (presets/memorization.ts); these are their scores.

export interface MemorizationScores {
  models: number; // fitted models the scores come from
  diverged: number; // models left out: a diverged model's predictions mean nothing
  examples: number;
  fraction: number;
  /** mem(i) = P[correct on i | i trained on] − P[correct on i | i held out]; null: never on one side. */
  score: (number | null)[];
  stdErr: (number | null)[]; // of the difference of the two proportions
  inCount: number[]; // models that trained on i
  inCorrect: number[]; // of those, the ones right on i: P[correct | trained on] = inCorrect / inCount
  outCount: number[]; // models that held i out
  outCorrect: number[]; // of those, the ones right on i: P[correct | held out] = outCorrect / outCount
  corrupted: boolean[]; // its training label differs from the data set's
  /**
   * The baseline beside the score: held-out self-confidence, the mean over the models that held i out of
   * the probability they give i's training label (cleanlab's label-quality score, out of sample); null: never
   * held out. Null as a whole when a model recorded no probabilities (fitted before they were recorded): the
   * baseline is then not measured rather than estimated from some of the models.
   */
  selfConfidence: (number | null)[] | null;
  withoutProbabilities: number; // fitted models with no record of probabilities
  /** ROC AUC of the score as a detector of corrupted labels (scored examples); null without both kinds. */
  auc: number | null;
  /** Of the m highest-scored examples, m the number of corrupted ones scored, the fraction corrupted. */
  topCorrupted: number | null;
  /** The same two over the same examples for the held-out term alone, 1 − P[correct | held out] (what the
   * score is when every model fits its subset), and for the baseline, 1 − self-confidence (null: not measured). */
  heldOutError: Detection;
  baseline: Detection | null;
  meanScore: { clean: number | null; corrupted: number | null };
  runs: string[];
}

/** A per-example score as a detector of corrupted labels: ROC AUC and top-m precision (null: one class absent). */
export interface Detection {
  auc: number | null;
  topCorrupted: number | null;
}

/** Per-example correctness counts over the models' final epochs: trained-on and held-out sides. */
export function tallyModels(
  models: { members: readonly number[]; correct: Uint8Array }[],
  n: number,
): { inCount: number[]; inCorrect: number[]; outCount: number[]; outCorrect: number[] } {
  const t = { inCount: zeros(n), inCorrect: zeros(n), outCount: zeros(n), outCorrect: zeros(n) };
  for (const m of models) {
    const member = new Uint8Array(n);
    for (const i of m.members) member[i] = 1;
    for (let i = 0; i < n; i++) {
      const ok = bitAt(m.correct, i) ? 1 : 0;
      if (member[i]) {
        t.inCount[i]++;
        t.inCorrect[i] += ok;
      } else {
        t.outCount[i]++;
        t.outCorrect[i] += ok;
      }
    }
  }
  return t;
}

const zeros = (n: number) => new Array<number>(n).fill(0);

/** Per example, the mean over the models that held it out of the probability they gave its label; null: none did. */
export function heldOutConfidence(
  models: { members: readonly number[]; labelProb: ArrayLike<number> }[],
  n: number,
): (number | null)[] {
  const sum = zeros(n);
  const count = zeros(n);
  for (const m of models) {
    const member = new Uint8Array(n);
    for (const i of m.members) member[i] = 1;
    for (let i = 0; i < n; i++)
      if (!member[i]) {
        sum[i] += m.labelProb[i];
        count[i]++;
      }
  }
  return sum.map((s, i) => (count[i] ? s / count[i] : null));
}

/**
 * The score and its standard error from the counts of one example; nulls when one side has no model. The
 * error is Agresti & Caffo's (one success and one failure added to each side): the plain plug-in error
 * is 0 whenever both sides are all right or all wrong, which is most examples of a fitted model.
 */
export function memScore(
  inCorrect: number,
  inCount: number,
  outCorrect: number,
  outCount: number,
): { score: number | null; stdErr: number | null } {
  if (inCount === 0 || outCount === 0) return { score: null, stdErr: null };
  const p = (inCorrect + 1) / (inCount + 2);
  const q = (outCorrect + 1) / (outCount + 2);
  return {
    score: inCorrect / inCount - outCorrect / outCount,
    stdErr: Math.sqrt((p * (1 - p)) / (inCount + 2) + (q * (1 - q)) / (outCount + 2)),
  };
}

/**
 * ROC AUC of scores as a detector of the positives: the probability that a random positive scores above
 * a random negative, ties counting half (Mann–Whitney U with mid-ranks). Null without both classes.
 */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number | null {
  const nPos = positive.filter(Boolean).length;
  const nNeg = positive.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = [...scores.keys()].sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const midRank = (start + end) / 2 + 1; // ranks are 1-based
    for (let j = start; j <= end; j++) if (positive[order[j]]) rankSum += midRank;
    start = end + 1;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * The standard error of a ROC AUC from nPos positives and nNeg negatives (Hanley & McNeil 1982, their
 * exponential approximation): the noise an AUC of that many examples has, for the claim that it beats 0.5.
 * An AUC of 0 or 1 is still uncertain by about half an example of the smaller class, as samplingError has it.
 */
export function aucStdErr(auc: number, nPos: number, nNeg: number): number {
  const eps = 0.5 / Math.min(nPos, nNeg);
  const a = Math.min(Math.max(auc, eps), 1 - eps);
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const v = a * (1 - a) + (nPos - 1) * (q1 - a * a) + (nNeg - 1) * (q2 - a * a);
  return Math.sqrt(Math.max(v, 0) / (nPos * nNeg));
}

/**
 * Of the m highest scores, m the number of positives, the fraction that are positives (ties broken by
 * index, lower first). 1: the positives are exactly the top scores. Null without positives.
 */
export function precisionAtPositives(scores: readonly number[], positive: readonly boolean[]): number | null {
  const m = positive.filter(Boolean).length;
  if (m === 0) return null;
  const top = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, m);
  return top.filter((i) => positive[i]).length / m;
}

function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** A fitted model's final-epoch records: its members, which examples it gets right, and (if recorded) the
 * probability it gives each label; null for a diverged model, whose predictions mean nothing. */
function finalRecords(
  run: RunDir,
  n: number,
): { members: number[]; correct: Uint8Array; labelProb: Float32Array | null } | null {
  const s = run.finishedSummary();
  if (!s) throw new InputError(`memorization: ${run.id}: not fitted; expected every model complete`);
  if (s.diverged) return null;
  const correct = run.readEpochArtifact(TRAIN_CORRECT, s.epochs);
  if (!correct || correct.length !== Math.ceil(n / 8))
    throw new InputError(
      `${run.epochArtifactPath(TRAIN_CORRECT, s.epochs)}: expected the final epoch's record of ${n} examples, got ${correct ? `${correct.length} bytes` : 'none'}`,
    );
  const prob = run.readEpochArtifact(TRAIN_LABEL_PROB, s.epochs);
  if (prob && prob.length !== 2 * n)
    throw new InputError(
      `${run.epochArtifactPath(TRAIN_LABEL_PROB, s.epochs)}: expected ${2 * n} bytes (float16) for ${n} examples, got ${prob.length}`,
    );
  const members = trainMembers(run.readConfig(), n) ?? [];
  return { members, correct, labelProb: prob ? decodeFloat16(prob) : null };
}

/** Per-example scores over the given examples as a detector of the corrupted labels. */
function detect(score: (i: number) => number, idx: number[], corrupted: boolean[]): Detection {
  const xs = idx.map(score);
  const pos = idx.map((i) => corrupted[i]);
  return { auc: rocAuc(xs, pos), topCorrupted: precisionAtPositives(xs, pos) };
}

/** Reads the K runs' final per-example records and computes the scores; every run must be complete. */
export function memorizationScores(store: RunStore, plan: PlannedRun[]): MemorizationScores {
  const runs = plan.map((r) => store.run(r.id));
  const n = runs[0]?.finishedSummary()?.trainSize ?? 0;
  const models = runs.flatMap((run) => finalRecords(run, n) ?? []);
  if (models.length === 0) throw new InputError('memorization: no fitted model; expected at least one');
  const t = tallyModels(models, n);
  const s = t.inCount.map((_, i) => memScore(t.inCorrect[i], t.inCount[i], t.outCorrect[i], t.outCount[i]));
  const corrupted = withRunTrainingSet(runs[0], (train, original) =>
    original.map((y, i) => train.labels[i] !== y),
  );
  const withProb = models.flatMap((m) =>
    m.labelProb ? [{ members: m.members, labelProb: m.labelProb }] : [],
  );
  const conf = withProb.length === models.length ? heldOutConfidence(withProb, n) : null;
  // Every detector is judged on the same examples: those with a memorization score.
  const scored = [...Array(n).keys()].filter((i) => s[i].score !== null);
  const mem = detect((i) => s[i].score!, scored, corrupted);
  const heldOutError = detect((i) => 1 - t.outCorrect[i] / t.outCount[i], scored, corrupted);
  const baseline = conf ? detect((i) => 1 - conf[i]!, scored, corrupted) : null;
  const scoreOf = (i: number) => s[i].score!;
  return {
    models: models.length,
    diverged: runs.length - models.length,
    examples: n,
    fraction: plan[0].config.train.fraction ?? 1,
    score: s.map((x) => x.score),
    stdErr: s.map((x) => x.stdErr),
    inCount: t.inCount,
    inCorrect: t.inCorrect,
    outCount: t.outCount,
    outCorrect: t.outCorrect,
    corrupted,
    selfConfidence: conf,
    withoutProbabilities: models.length - withProb.length,
    auc: mem.auc,
    topCorrupted: mem.topCorrupted,
    heldOutError,
    baseline,
    meanScore: {
      clean: mean(scored.filter((i) => !corrupted[i]).map(scoreOf)),
      corrupted: mean(scored.filter((i) => corrupted[i]).map(scoreOf)),
    },
    runs: runs.map((r) => r.id),
  };
}

/** Indices of the k highest scores (ties: the smaller standard error first, then the lower index). */
export function mostMemorized(m: MemorizationScores, k: number): number[] {
  return [...Array(m.examples).keys()]
    .filter((i) => m.score[i] !== null)
    .sort((a, b) => m.score[b]! - m.score[a]! || m.stdErr[a]! - m.stdErr[b]! || a - b)
    .slice(0, k);
}
