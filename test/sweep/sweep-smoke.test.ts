// Every preset runs at smoke scale and its report renders: figures decode as PNG, the HTML holds the table.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadPreset, planPreset, presetNamesOf } from '../../src/presets/preset.js';
import { runSweep, type SweepEvent } from '../../src/sweep/sweep.js';
import { RunStore } from '../../src/store/store.js';
import { writePresetReport } from '../../src/report/preset-report.js';
import { decodePngSize } from '../../src/report/png.js';
import { tempDir } from '../support/temp.js';

test('every fit preset at smoke scale: runs once, shares runs across presets, and reports', async () => {
  const root = tempDir('genlab-sweep-');
  const store = new RunStore(root);
  const fitted = new Map<string, number>();
  try {
    for (const name of presetNamesOf('fit')) {
      const preset = loadPreset(name);
      const plan = planPreset(preset, 'smoke');
      const onEvent = (e: SweepEvent) =>
        e.type === 'start' && fitted.set(e.run.id, (fitted.get(e.run.id) ?? 0) + 1);
      const results = await runSweep(plan, { store, jobs: 1, device: 'cpu', threads: 1, onEvent });
      for (const r of results)
        assert.ok(
          r.outcome === 'complete' || r.outcome === 'skipped',
          `${name} ${r.run.label}: ${r.outcome} ${r.error ?? ''}`,
        );
      const files = await writePresetReport(
        path.join(root, 'reports', name),
        preset,
        'smoke',
        results.map((r) => ({ run: r.run, summary: r.summary })),
        `genlab run ${name} --scale smoke`,
        store, // memorization's report reads each model's per-example records
      );
      assert.deepEqual(files.missing, []);
      const html = readFileSync(files.html, 'utf8');
      assert.match(html, /<table/);
      assert.match(html, /How this differs from the paper/);
      for (const f of files.figures) {
        assert.ok(decodePngSize(readFileSync(f.png)).width > 100);
        assert.ok(existsSync(f.svg));
      }
      if (['fig1a', 'fig1b', 'fig1c', 'fig2b'].includes(name))
        assert.equal(files.figures.length, 1, `${name}: expected a figure`);
      if (name === 'double-descent-width') {
        assert.deepEqual(
          files.figures.map((f) => path.basename(f.png)),
          ['double-descent-width.png', 'double-descent-width-train.png'],
        );
        assert.match(readFileSync(files.figures[0].svg, 'utf8'), /n·K = 1,000/);
      }
      if (name === 'memorization')
        assert.deepEqual(
          files.figures.map((f) => path.basename(f.png)),
          ['memorization.png', 'most-memorized.png'],
        );
    }
    assert.ok(
      [...fitted.values()].every((n) => n === 1),
      'a run was fitted twice',
    );
  } finally {
    store.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a report with missing runs names them and the command that makes them', async () => {
  const root = tempDir('genlab-report-');
  try {
    const preset = loadPreset('table1');
    const plan = planPreset(preset, 'smoke');
    const files = await writePresetReport(
      root,
      preset,
      'smoke',
      plan.map((run) => ({ run, summary: null })),
      'genlab run table1 --scale smoke',
    );
    assert.equal(files.missing.length, plan.length);
    const md = readFileSync(files.markdown, 'utf8');
    assert.match(md, /3 of 3 runs are not complete/);
    assert.match(md, /genlab run table1 --scale smoke/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
