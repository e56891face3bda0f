// The results book: one section per preset and scale found in a run store — its figures, its tables with seeds
// and spread, its claims with their verdicts, the scale's deviations from the paper beside them, and the
// commands that made it — as one Markdown file and one self-contained HTML page, generated, never hand-edited.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  loadPreset,
  MAX_SEEDS,
  planPreset,
  presetNames,
  takesSeeds,
  presetExperiment,
  readPresetDoc,
  SCALES,
} from '../presets/preset.js';
import type { Preset, ScaleName } from '../presets/preset.js';
import { loadAnyPreset, planTheoryPreset, type TheoryPreset } from '../presets/theory-preset.js';
import type { RunStore } from '../store/store.js';
import { storedSummary } from '../sweep/sweep.js';
import { storedTheoryResult } from '../experiments/theory/index.js';
import type { Claim } from './claims.js';
import type { Built } from './figures.js';
import { htmlReport, type ReportSection } from './html.js';
import { writeFigure } from './plot.js';
import { presetReport, runCommandFor } from './preset-report.js';
import { markdownTable, type Table } from './table.js';
import { buildTheoryReport } from './theory-report.js';
import { VERDICTS } from './verdict.js';

/** One preset at one scale, as found in the store. */
export interface BookSection {
  preset: string;
  title: string;
  description: string;
  scale: ScaleName;
  scaleDescription: string;
  differences: string[];
  seeds: number; // seeds per run
  planned: number;
  complete: number;
  commands: string[]; // what made the runs and the report
  built: Built;
  claims: Claim[];
}

/**
 * The seeds a preset was run with at a scale: the scale's own (`start`), or more where `--seeds N` made every run
 * of each further seed (some may be there from another preset: the same config is the same run). `plan(n)` is the
 * preset's plan with n seeds.
 */
function seedsInStore(
  start: number,
  plan: (n: number) => { replicate: number; id: string }[],
  has: (id: string) => boolean,
): number {
  let n = start;
  while (n < MAX_SEEDS) {
    const next = plan(n + 1).filter((r) => r.replicate === n);
    if (next.length === 0 || !next.every((r) => has(r.id))) return n;
    n++;
  }
  return n;
}

async function fitSection(
  p: Preset,
  scale: ScaleName,
  store: RunStore,
  storeArg: string,
): Promise<BookSection | null> {
  const sc = p.scales[scale];
  if (!sc) return null; // a scale the preset does not offer
  const has = (id: string) => storedSummary(store, id) !== null;
  const seeds = takesSeeds(p, scale)
    ? seedsInStore(sc.seeds, (n) => planPreset(p, scale, {}, n), has)
    : sc.seeds;
  const plan = planPreset(p, scale, {}, seeds);
  const runs = plan.map((run) => ({ run, summary: storedSummary(store, run.id) }));
  const complete = runs.filter((r) => r.summary !== null).length;
  if (complete === 0) return null;
  const seedsArg = seeds !== sc.seeds ? ` --seeds ${seeds}` : '';
  const run = `${runCommandFor(p, scale, storeArg)}${seedsArg}`;
  const { built } = await presetReport(p, scale, runs, run, store);
  return {
    ...about(p, scale),
    seeds,
    planned: plan.length,
    complete,
    commands: [run, `genlab report ${p.name} --scale ${scale}${seedsArg}${storeArg}`],
    built,
    claims: built.claims ?? [],
  };
}

async function theorySection(
  p: TheoryPreset,
  scale: ScaleName,
  store: RunStore,
  storeArg: string,
): Promise<BookSection | null> {
  const has = (id: string) => storedTheoryResult(store, id) !== null;
  const seeds = seedsInStore(p.scales[scale].seeds, (n) => planTheoryPreset(p, scale, {}, n), has);
  const plan = planTheoryPreset(p, scale, {}, seeds);
  const runs = plan.map((run) => ({ run, result: storedTheoryResult(store, run.id) }));
  const complete = runs.filter((r) => r.result !== null).length;
  if (complete === 0) return null;
  const seedsArg = seeds !== p.scales[scale].seeds ? ` --seeds ${seeds}` : '';
  const run = `${runCommandFor(p, scale, storeArg)}${seedsArg}`;
  const built = await buildTheoryReport(p, runs);
  return {
    ...about(p, scale),
    seeds,
    planned: plan.length,
    complete,
    commands: [run, `genlab report ${p.name} --scale ${scale}${seedsArg}${storeArg}`],
    built,
    claims: built.claims ?? [],
  };
}

const about = (p: Preset | TheoryPreset, scale: ScaleName) => ({
  preset: p.name,
  title: p.title,
  description: p.description,
  scale,
  scaleDescription: p.scales[scale]?.description ?? '',
  differences: p.scales[scale]?.differences ?? [],
});

/** Every preset and scale with at least one complete run in the store, in the presets' and scales' order. */
export async function bookSections(store: RunStore, storeArg: string): Promise<BookSection[]> {
  const out: BookSection[] = [];
  for (const name of presetNames()) {
    const fit = presetExperiment(readPresetDoc(name).doc) === 'fit';
    const p = fit ? loadPreset(name) : (loadAnyPreset(name) as TheoryPreset);
    for (const scale of SCALES) {
      const s = fit
        ? await fitSection(p as Preset, scale, store, storeArg)
        : await theorySection(p as TheoryPreset, scale, store, storeArg);
      if (s) out.push(s);
    }
  }
  return out;
}

const anchor = (s: BookSection) => `${s.preset}-${s.scale}`;
const verdictCounts = (claims: Claim[]) => VERDICTS.map((v) => claims.filter((c) => c.verdict === v).length);

/** The book's first table: each section's runs and how its claims came out. */
function overview(sections: BookSection[]): Table {
  return {
    title: 'Sections',
    columns: ['preset', 'scale', 'runs complete', 'seeds', ...VERDICTS],
    rows: sections.map((s) => [
      s.preset,
      s.scale,
      `${s.complete} of ${s.planned}`,
      s.seeds,
      ...verdictCounts(s.claims),
    ]),
  };
}

function sectionText(s: BookSection): string {
  const status =
    s.complete === s.planned
      ? `All ${s.planned} runs complete`
      : `${s.complete} of ${s.planned} runs complete (the figures and tables show those; the claims that need the others read "not measured")`;
  const diffs = s.differences.length
    ? `How this scale differs from the paper (every number below is affected):\n\n${s.differences.map((d) => `• ${d}`).join('\n\n')}`
    : 'Same settings as the paper.';
  return [
    s.description,
    `Scale "${s.scale}": ${s.scaleDescription} ${status}, ${s.seeds === 1 ? 'one seed each' : `${s.seeds} seeds each`}.`,
    `Made with: ${s.commands.map((c) => `\`${c}\``).join(', then ')}.`,
    diffs,
  ].join('\n\n');
}

/** The book's Markdown header: what it is, that it is generated, and the command that generated it. */
export function bookHeader(command: string, sections: number): string {
  return `<!-- Generated by genlab: ${command}. Do not edit by hand; run the command again. -->\n\n# genlab results\n\nGenerated by \`${command}\` from the run store, through genlab's own report code: ${sections} sections, one per preset and scale found there. Each section gives the commands that made its runs, how its scale differs from the paper, its figures and tables (with the seeds' mean and spread), and the paper's claims with a verdict: holds, fails, inconclusive (an effect within its noise) or not measured (runs missing or not fitted).\n`;
}

/** Writes DIR/results.md, DIR/results.html and DIR/figures/*.{png,svg}; returns their paths. */
export async function writeBook(
  dir: string,
  sections: BookSection[],
  command: string,
  about = '',
): Promise<{ markdown: string; html: string; figures: string[] }> {
  const figDir = path.join(dir, 'figures');
  mkdirSync(figDir, { recursive: true });
  const figures: string[] = [];
  const md: string[] = [bookHeader(command, sections.length)];
  if (about) md.push(`${about}\n`);
  md.push(markdownTable(overview(sections)));
  md.push(sections.map((s) => `- [${s.title} (${s.scale})](#${anchor(s)})`).join('\n') + '\n');
  const html: ReportSection[] = [{ heading: 'Sections', tables: [overview(sections)] }];
  for (const s of sections) {
    md.push(`<a id="${anchor(s)}"></a>\n\n## ${s.title} — scale ${s.scale}\n\n${sectionText(s)}\n`);
    for (const f of s.built.figures) {
      const name = `${anchor(s)}-${f.name}`;
      const files = await writeFigure(figDir, name, f.figure);
      figures.push(files.png, files.svg);
      md.push(`![${f.caption}](figures/${name}.png)\n\n${f.caption}\n`);
    }
    for (const t of s.built.tables) md.push(markdownTable(t));
    html.push({
      heading: `${s.title} — scale ${s.scale}`,
      text: sectionText(s),
      figures: s.built.figures.map((f) => ({ svg: f.figure.svg, caption: f.caption })),
      tables: s.built.tables,
    });
  }
  const markdown = path.join(dir, 'results.md');
  writeFileSync(markdown, md.join('\n'));
  const page = path.join(dir, 'results.html');
  writeFileSync(
    page,
    htmlReport({
      title: 'genlab results',
      intro: `Generated by ${command} from the run store, through genlab's own report code. Zhang et al. 2017, "Understanding deep learning requires rethinking generalization", reproduced: each section gives the commands that made its runs, how its scale differs from the paper, its figures and tables, and the paper's claims with their verdicts.${about ? `\n\n${about}` : ''}`,
      sections: html,
    }),
  );
  return { markdown, html: page, figures };
}
