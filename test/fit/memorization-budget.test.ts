// memorization-budget end to end at smoke scale: the memorization preset's models stopped after a fixed budget,
// so P[correct | trained on] < 1 and both terms of the score vary; the report shows both AUCs (the score's and
// the held-out self-confidence baseline's) and a verdict on the two.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { memorizationScores } from '../../src/experiments/memorization.js';
import { loadPreset, planPreset } from '../../src/presets/preset.js';
import { RunStore } from '../../src/store/store.js';
import { tempDir } from '../support/temp.js';

const BIN = path.resolve('bin/genlab.js');

function genlab(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('memorization-budget: new run ids, the memorization preset but for its stop rule and epochs', () => {
  const budget = planPreset(loadPreset('memorization-budget'), 'smoke');
  const fitted = planPreset(loadPreset('memorization'), 'smoke');
  assert.equal(budget.length, 16);
  assert.ok(budget.every((r) => !fitted.some((f) => f.id === r.id)));
  budget.forEach((r, k) => {
    const f = fitted[k].config;
    assert.equal(r.config.train.stopAtTarget, false);
    assert.ok(r.config.train.epochs < f.train.epochs);
    const same = (c: typeof f) => ({ ...c, train: { ...c.train, epochs: 0, stopAtTarget: false } });
    assert.deepEqual(same(r.config), same(f));
  });
});

test('memorization-budget --scale smoke: P[correct | trained on] < 1, and both AUCs in the report', () => {
  const out = tempDir('genlab-membudget-');
  try {
    const run = genlab(['run', 'memorization-budget', '--scale', 'smoke', '--out', out]);
    assert.equal(run.code, 0, run.err);
    const report = genlab(['report', 'memorization-budget', '--scale', 'smoke', '--out', out, '--json']);
    assert.equal(report.code, 0, report.err);
    const rep = JSON.parse(report.out) as {
      missing: string[];
      tables: { title: string; columns: string[]; rows: (string | number | null)[][]; notes: string[] }[];
      claims: { claim: string; verdict: string; measured: string }[];
    };
    assert.deepEqual(rep.missing, []);

    const store = new RunStore(out);
    let m;
    try {
      m = memorizationScores(store, planPreset(loadPreset('memorization-budget'), 'smoke'));
    } finally {
      store.close();
    }
    const scored = [...Array(m.examples).keys()].filter((i) => m.score[i] !== null);
    const pIn = scored.reduce((a, i) => a + m.inCorrect[i] / m.inCount[i], 0) / scored.length;
    assert.ok(pIn < 0.95, `the models stop before they fit: mean P[correct | trained on] ${pIn}`);
    assert.ok(m.auc !== null && m.baseline?.auc != null);

    const [, detectors] = rep.tables;
    assert.deepEqual(
      detectors.rows.map((r) => r[1]),
      [m.auc.toFixed(3), m.heldOutError.auc!.toFixed(3), m.baseline.auc!.toFixed(3)],
    );
    assert.match(
      detectors.notes[0],
      new RegExp(`^Mean P\\[correct \\| trained on\\] over the scored examples: ${pIn.toFixed(3)}\\.$`),
    );
    assert.match(
      rep.claims[1].measured,
      new RegExp(
        `^ROC AUC ${m.auc.toFixed(3)} \\[[\\d.]+, [\\d.]+\\] against the baseline's ${m.baseline.auc!.toFixed(3)} \\[`,
      ),
    );
    assert.ok(['holds', 'fails', 'inconclusive'].includes(rep.claims[1].verdict), rep.claims[1].verdict);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
