// genlab memorization (Feldman & Zhang 2020): the estimator, its baseline (held-out self-confidence) and the
// ROC AUC on hand-computed cases, and the smoke scale end to end — a score per example, both AUCs with
// corrupted labels, models reused on a rerun and by genlab run/report memorization; older models without
// probabilities leave the baseline not measured; memorization-budget's models stop before they fit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { liveTensors } from '../../src/engine/index.js';
import {
  heldOutConfidence,
  memScore,
  memorizationScores,
  precisionAtPositives,
  rocAuc,
  tallyModels,
} from '../../src/experiments/memorization.js';
import { planMemorization } from '../../src/presets/memorization.js';
import { TRAIN_CORRECT, TRAIN_LABEL_PROB, trainMembers } from '../../src/experiments/fit.js';
import { RunStore } from '../../src/store/store.js';
import { bitAt, decodeFloat16 } from '../../src/train/index.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');

function genlab(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('rocAuc: hand-computed cases, ties counting half', () => {
  // positives 0.35, 0.8 against negatives 0.1, 0.4: 3 of 4 pairs ordered right
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
  // positives 0.5, 0.9 against negatives 0.2, 0.5: 1 + 0.5 + 1 + 1 of 4
  assert.equal(rocAuc([0.2, 0.5, 0.5, 0.9], [false, true, false, true]), 0.875);
  assert.equal(rocAuc([0.5, 0.5, 0.5], [true, false, false]), 0.5);
  assert.equal(rocAuc([3, 2, 1], [true, false, false]), 1);
  assert.equal(rocAuc([1, 2, 3], [true, false, false]), 0);
  assert.equal(rocAuc([1, 2], [false, false]), null);
});

test('precisionAtPositives: the share of positives among as many top scores as there are positives', () => {
  // 2 positives; the top 2 scores are 0.8 (positive) and 0.4 (negative)
  assert.equal(precisionAtPositives([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.5);
  assert.equal(precisionAtPositives([0.9, 0.1, 0.8], [true, false, true]), 1);
  assert.equal(precisionAtPositives([0.9, 0.1], [false, false]), null);
});

test('memScore and tallyModels: in-accuracy less held-out accuracy, counted per example', () => {
  // 3 models on 2 examples. Example 0: trained on by models a, b (both right), held out by c (wrong).
  // Example 1: trained on by a (right), held out by b (right) and c (wrong).
  const bits = (...ok: boolean[]) => Uint8Array.of(ok.reduce((b, x, i) => b | (x ? 1 << i : 0), 0));
  const t = tallyModels(
    [
      { members: [0, 1], correct: bits(true, true) },
      { members: [0], correct: bits(true, true) },
      { members: [], correct: bits(false, false) },
    ],
    2,
  );
  assert.deepEqual(t, { inCount: [2, 1], inCorrect: [2, 1], outCount: [1, 2], outCorrect: [0, 1] });
  assert.equal(memScore(2, 2, 0, 1).score, 1);
  assert.equal(memScore(1, 1, 1, 2).score, 0.5);
  assert.deepEqual(memScore(3, 3, 0, 0), { score: null, stdErr: null });
  // Agresti–Caffo: p = (2+1)/(2+2), q = (0+1)/(1+2)
  const se = Math.sqrt((0.75 * 0.25) / 4 + ((1 / 3) * (2 / 3)) / 3);
  assert.ok(Math.abs(memScore(2, 2, 0, 1).stdErr! - se) < 1e-12);
});

test('heldOutConfidence: the mean probability of the label over the models that held each example out', () => {
  // 3 models on 3 examples: example 0 held out by b and c; 1 by c only; 2 by none.
  const c = heldOutConfidence(
    [
      { members: [0, 1, 2], labelProb: [0.9, 0.8, 0.7] },
      { members: [1, 2], labelProb: [0.2, 0.6, 0.5] },
      { members: [2], labelProb: [0.4, 0.1, 0.3] },
    ],
    3,
  );
  assert.ok(Math.abs(c[0]! - 0.3) < 1e-12);
  assert.equal(c[1], 0.1);
  assert.equal(c[2], null);
});

test('memorization --scale smoke --json: a score per example, an AUC, and the models reused on a rerun', () => {
  const out = tempDir('genlab-memorization-');
  try {
    const r = genlab(['memorization', '--scale', 'smoke', '--out', out, '--json']);
    assert.equal(r.code, 0, r.err);
    const m = JSON.parse(r.out) as {
      models: number;
      examples: number;
      score: (number | null)[];
      stdErr: (number | null)[];
      corrupted: boolean[];
      auc: number | null;
      selfConfidence: (number | null)[] | null;
      baseline: { auc: number | null; topCorrupted: number | null } | null;
      mostMemorized: number[];
      files: { histogram: { png: string }; markdown: string; mostMemorized: string | null };
    };
    assert.equal(m.models, 16);
    assert.equal(m.examples, 64);
    for (const k of ['score', 'stdErr', 'corrupted'] as const) assert.equal(m[k].length, 64, k);
    assert.ok(m.score.every((s) => s === null || (s >= -1 && s <= 1)));
    const nCorrupt = m.corrupted.filter(Boolean).length;
    assert.ok(nCorrupt > 10 && nCorrupt < 40, `corrupted ${nCorrupt}`); // corrupted:0.5, uniform redraws
    assert.ok(m.auc !== null && m.auc > 0.5, `corrupted labels are memorized more: AUC ${m.auc}`);
    assert.equal(m.selfConfidence?.length, 64);
    assert.ok(m.baseline?.auc != null && m.baseline.auc > 0.5, `baseline AUC ${m.baseline?.auc}`);
    assert.ok(existsSync(m.files.histogram.png) && existsSync(m.files.markdown) && m.files.mostMemorized);

    // The scores from the stored runs, recomputed here from their bitsets and memberships.
    const plan = planMemorization({ scale: 'smoke' });
    const store = new RunStore(out);
    try {
      const live = liveTensors();
      assert.deepEqual(memorizationScores(store, plan).score, m.score);
      assert.equal(liveTensors(), live, 'tensors leaked');
      const i = m.score.findIndex((s) => s !== null);
      let [inOk, inN, outOk, outN] = [0, 0, 0, 0];
      for (const p of plan) {
        const run = store.run(p.id);
        const bits = run.readEpochArtifact(TRAIN_CORRECT, run.finishedSummary()!.epochs)!;
        const member = trainMembers(p.config, 64)!.includes(i);
        if (member) [inOk, inN] = [inOk + (bitAt(bits, i) ? 1 : 0), inN + 1];
        else [outOk, outN] = [outOk + (bitAt(bits, i) ? 1 : 0), outN + 1];
      }
      assert.equal(m.score[i], inOk / inN - outOk / outN);
      // The baseline from the stored float16 probabilities: the mean over the models that held i out.
      let [pSum, pN] = [0, 0];
      for (const p of plan) {
        const run = store.run(p.id);
        const prob = decodeFloat16(run.readEpochArtifact(TRAIN_LABEL_PROB, run.finishedSummary()!.epochs)!);
        if (!trainMembers(p.config, 64)!.includes(i)) [pSum, pN] = [pSum + prob[i], pN + 1];
      }
      assert.ok(Math.abs(m.selfConfidence![i]! - pSum / pN) < 1e-6);
    } finally {
      store.close();
    }

    const again = genlab(['memorization', '--scale', 'smoke', '--out', out]);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.err.match(/already complete/g)?.length, 16, again.err);
    assert.match(again.out, /\| corrupted +\| +\d+ \|/);
    assert.match(again.out, /ROC AUC of the score as a detector of corrupted labels: 0\.\d+ \[/);
    assert.match(again.out, /of the baseline, held-out self-confidence: 0\.\d+ \[/);
    assert.match(again.out, /\| baseline: 1 − held-out p\(label\) +\| +0\.\d{3} \|/);

    // The same models are the memorization preset's: genlab run finds them, genlab report scores them alike.
    const run = genlab(['run', 'memorization', '--scale', 'smoke', '--out', out]);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.err.match(/already complete/g)?.length, 16, run.err);
    const report = genlab(['report', 'memorization', '--scale', 'smoke', '--out', out, '--json']);
    assert.equal(report.code, 0, report.err);
    const rep = JSON.parse(report.out) as {
      missing: string[];
      figures: { png: string }[];
      tables: { notes: string[] }[];
      claims: { verdict: string; measured: string }[];
    };
    assert.deepEqual(rep.missing, []);
    assert.deepEqual(
      rep.figures.map((f) => path.basename(f.png)),
      ['memorization.png', 'most-memorized.png'],
    );
    assert.ok(rep.tables[0].notes[0].includes(`detector of corrupted labels: ${m.auc.toFixed(3)}`));
    assert.match(rep.claims[0].measured, new RegExp(`^ROC AUC ${m.auc.toFixed(3)} \\[`));
    assert.ok(['holds', 'inconclusive'].includes(rep.claims[0].verdict), rep.claims[0].verdict);
    const base = m.baseline.auc.toFixed(3);
    assert.match(rep.claims[1].measured, new RegExp(`against the baseline's ${base} \\[`));
    assert.notEqual(rep.claims[1].verdict, 'not measured');

    // Models fitted before probabilities were recorded: the baseline is not measured, the score still is.
    const first = new RunStore(out);
    try {
      const run = first.run(plan[0].id);
      rmSync(path.dirname(run.epochArtifactPath(TRAIN_LABEL_PROB, 1)), { recursive: true });
      const old = memorizationScores(first, plan);
      assert.deepEqual([old.selfConfidence, old.baseline, old.withoutProbabilities], [null, null, 1]);
      assert.equal(old.auc, m.auc);
    } finally {
      first.close();
    }
    const oldReport = genlab(['report', 'memorization', '--scale', 'smoke', '--out', out, '--json']);
    assert.equal(oldReport.code, 0, oldReport.err);
    const claims = (JSON.parse(oldReport.out) as { claims: { verdict: string; measured: string }[] }).claims;
    assert.deepEqual(
      [claims[1].verdict, claims[1].measured],
      [
        'not measured',
        '1 of 16 models recorded no probabilities of the labels (fitted before genlab recorded them)',
      ],
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('memorization: bad flags are one-line errors naming the flag', () => {
  const sub = genlab(['memorization', '--scale', 'smoke', '--subset', '1']);
  assert.equal(sub.code, 2);
  assert.equal(sub.err.trim(), 'genlab memorization: --subset: expected a number in (0, 1), got 1');
  const k = genlab(['memorization', '--scale', 'smoke', '--k', '1']);
  assert.equal(k.code, 2);
  assert.equal(k.err.trim(), 'genlab memorization: --k: expected an integer ≥ 2, got 1');
});
