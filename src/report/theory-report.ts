// Reports of presets whose runs are theory experiments: each report kind's builder, and the files.
import type { ScaleName } from '../experiments/preset.js';
import type { TheoryPlannedRun, TheoryPreset, TheoryReportKind } from '../experiments/theory-preset.js';
import type { Built } from './figures.js';
import { writeBuiltReport, type PresetReportFiles } from './preset-report.js';
import { table3 } from './table3.js';
import { doubleDescentRff } from './double-descent-rff.js';

export interface TheoryReportRun {
  run: TheoryPlannedRun;
  result: unknown; // null: not complete
}

const BUILDERS: Record<TheoryReportKind, (runs: TheoryReportRun[]) => Built | Promise<Built>> = {
  table3,
  'double-descent-rff': doubleDescentRff,
};

/** Writes DIR/PRESET.{html,md} and the preset's tables and figures from its stored results. */
export async function writeTheoryReport(
  dir: string,
  p: TheoryPreset,
  scale: ScaleName,
  runs: TheoryReportRun[],
  command: string,
): Promise<PresetReportFiles> {
  const built = await BUILDERS[p.report](runs);
  const status = runs.map((r) => ({ id: r.run.id, done: r.result !== null }));
  return writeBuiltReport(dir, p, scale, built, status, command);
}
