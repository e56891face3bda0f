// Reports of presets whose runs are theory experiments: each report kind's builder, and the files.
import type { ScaleName } from '../presets/preset.js';
import type { TheoryPreset, TheoryReportKind } from '../presets/theory-preset.js';
import type { Built } from './figures.js';
import { builtReport, writeBuiltReport, type PresetReportFiles } from './preset-report.js';
import { table3 } from './table3.js';
import { doubleDescentRff } from './double-descent-rff.js';
import type { TheoryReportRun } from './theory-cells.js';

export type { TheoryReportRun } from './theory-cells.js';

const BUILDERS: Record<TheoryReportKind, (runs: TheoryReportRun[]) => Built | Promise<Built>> = {
  table3,
  'double-descent-rff': doubleDescentRff,
};

/** A theory preset's figures, tables and claims from its runs, in memory. */
export async function buildTheoryReport(p: TheoryPreset, runs: TheoryReportRun[]): Promise<Built> {
  return BUILDERS[p.report](runs);
}

const statusOf = (runs: TheoryReportRun[]) => runs.map((r) => ({ id: r.run.id, done: r.result !== null }));

/** A theory preset's report in memory (the dashboard's preset page): Markdown, HTML and the missing runs. */
export async function theoryReport(
  p: TheoryPreset,
  scale: ScaleName,
  runs: TheoryReportRun[],
  command: string,
): Promise<{ html: string; markdown: string; missing: string[] }> {
  return builtReport(p, scale, await BUILDERS[p.report](runs), statusOf(runs), command);
}

/** Writes DIR/PRESET.{html,md} and the preset's tables and figures from its stored results. */
export async function writeTheoryReport(
  dir: string,
  p: TheoryPreset,
  scale: ScaleName,
  runs: TheoryReportRun[],
  command: string,
): Promise<PresetReportFiles> {
  return writeBuiltReport(dir, p, scale, await BUILDERS[p.report](runs), statusOf(runs), command);
}
