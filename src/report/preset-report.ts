// One report per preset: its figures (PNG, SVG), tables (Markdown, HTML) and one self-contained HTML page, from stored runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { presetScale, type Preset, type ScaleName } from '../presets/preset.js';
import type { RunStore } from '../store/store.js';
import { fig1aCaption, fig1aFigure, fig1aTable } from './fig1a.js';
import { cellsOf, seedsNote } from './seeds.js';
import { summaries } from './spread.js';
import {
  earlyStopping,
  fig1b,
  fig1c,
  fig2b,
  table1,
  tableRandomRegularized,
  type Built,
  type ReportRun,
} from './figures.js';
import { doubleDescentWidth } from './double-descent-width.js';
import { memorizationReport } from './memorization.js';
import { randomLabelsCapacity, randomLabelsProtocol } from './random-labels.js';
import { htmlReport, type ReportSection } from './html.js';
import { claimRows, claimsOf, type Claim } from './claims.js';
import { htmlTable, markdownTable, type Table } from './table.js';
import { writeFigure } from './plot.js';

export interface PresetReportFiles {
  html: string;
  markdown: string;
  figures: { png: string; svg: string }[];
  tables: Table[];
  missing: string[]; // run ids not complete
  claims: Claim[];
}

async function fig1a(runs: ReportRun[], title: string): Promise<Built> {
  const all = cellsOf(runs);
  const cells = all
    .filter((c) => c.done.length > 0)
    .map((c) => ({ done: summaries(c), planned: c.runs.length }));
  const table = fig1aTable(cells, seedsNote(all));
  if (cells.length === 0) return { figures: [], tables: [table] };
  const figure = await fig1aFigure(cells, title);
  return { figures: [{ name: 'fig1a', caption: fig1aCaption(cells), figure }], tables: [table] };
}

/** A report kind's figures and tables; `store` for the kinds that read more than summaries (memorization). */
async function build(p: Preset, scale: ScaleName, runs: ReportRun[], store?: RunStore): Promise<Built> {
  const sf = presetScale(p, scale).standsFor ?? {};
  switch (p.report) {
    case 'fig1a':
      return fig1a(runs, p.title);
    case 'fig1b':
      return fig1b(runs, sf);
    case 'fig1c':
      return fig1c(runs, sf);
    case 'table1':
      return table1(runs, sf);
    case 'table-random-regularized':
      return tableRandomRegularized(runs, sf);
    case 'early-stopping':
      return earlyStopping(runs, sf);
    case 'fig2b':
      return fig2b(runs, sf);
    case 'double-descent-width':
      return doubleDescentWidth(runs);
    case 'memorization':
      if (!store) throw new Error(`${p.name}: its report reads each model's records; expected the run store`);
      return memorizationReport(runs, store);
    case 'random-labels-protocol':
      return randomLabelsProtocol(runs, p.title);
    case 'random-labels-capacity':
      return randomLabelsCapacity(runs, p.title);
  }
}

/** How to make the missing runs, for people. */
export function runCommandFor(
  p: { name: string; runsOf?: string | null },
  scale: ScaleName,
  storeArg: string,
): string {
  return `genlab run ${p.runsOf ?? p.name} --scale ${scale}${storeArg}`;
}

/** What a report says about its preset: name, title, description and the scales' notes (fit or theory presets). */
export interface ReportedPreset {
  name: string;
  title: string;
  description: string;
  scales: Partial<Record<ScaleName, { description: string; differences: string[] }>>;
}

function scaleSection(
  p: ReportedPreset,
  scale: ScaleName,
  runs: { id: string; done: boolean }[],
  command: string,
): ReportSection {
  const sc = p.scales[scale];
  if (!sc) throw new Error(`${p.name}: no ${scale} scale to report`); // planning it failed first
  const missing = runs.filter((r) => !r.done);
  const lines = [
    `Scale "${scale}": ${sc.description}`,
    sc.differences.length
      ? `How this differs from the paper:\n\n${sc.differences.map((d) => `• ${d}`).join('\n\n')}`
      : 'Same settings as the paper.',
    missing.length
      ? `${missing.length} of ${runs.length} runs are not complete; the figures and tables show the others. Make them with \`${command}\`. Missing: ${missing.map((r) => r.id).join(', ')}.`
      : `All ${runs.length} runs complete.`,
  ];
  return { heading: 'Scale and differences from the paper', text: lines.join('\n\n') };
}

function markdown(p: ReportedPreset, built: Built, intro: ReportSection): string {
  const figs = built.figures.map((f) => `![${f.caption}](${f.name}.png)\n\n${f.caption}\n`);
  const tables = built.tables.map((t) => markdownTable(t));
  return `# ${p.title}\n\n${p.description}\n\n## ${intro.heading}\n\n${intro.text ?? ''}\n\n${[...figs, ...tables].join('\n')}`;
}

/** A built report (any preset's figures and tables) in memory: its Markdown and self-contained HTML page. */
export function builtReport(
  p: ReportedPreset,
  scale: ScaleName,
  built: Built,
  runs: { id: string; done: boolean }[],
  command: string,
): { html: string; markdown: string; missing: string[] } {
  const intro = scaleSection(p, scale, runs, command);
  const html = htmlReport({
    title: p.title,
    intro: `${p.description}\n\nReproduced by genlab (Zhang et al. 2017, "Understanding deep learning requires rethinking generalization"). Each table cell shows genlab's number, the paper's, and the difference.`,
    sections: [
      intro,
      {
        heading: 'Results',
        figures: built.figures.map((f) => ({ svg: f.figure.svg, caption: f.caption })),
        tables: built.tables,
      },
    ],
  });
  const missing = runs.filter((r) => !r.done).map((r) => r.id);
  return { html, markdown: markdown(p, built, intro), missing };
}

/**
 * A fit preset's report in memory: its built figures and tables (claims included), Markdown and HTML. The store
 * is needed by the kinds whose report reads more than the runs' summaries (memorization).
 */
export async function presetReport(
  p: Preset,
  scale: ScaleName,
  runs: ReportRun[],
  command: string,
  store?: RunStore,
) {
  const built = await build(p, scale, runs, store);
  built.claims ??= claimsOf(p.report, runs, presetScale(p, scale).standsFor ?? {});
  built.tables.push(claimRows(built.claims));
  const status = runs.map((r) => ({ id: r.run.id, done: r.summary !== null }));
  return { built, ...builtReport(p, scale, built, status, command) };
}

/** Writes DIR/PRESET.{html,md}, the figures' PNG and SVG, and each table as DIR/PRESET-table-N.{md,html}. */
export async function writePresetReport(
  dir: string,
  p: Preset,
  scale: ScaleName,
  runs: ReportRun[],
  command: string,
  store?: RunStore,
): Promise<PresetReportFiles> {
  const report = await presetReport(p, scale, runs, command, store);
  return writeReportFiles(dir, p.name, report.built, report);
}

/** Writes a built report (any preset's figures and tables) with its scale section, as writePresetReport does. */
export async function writeBuiltReport(
  dir: string,
  p: ReportedPreset,
  scale: ScaleName,
  built: Built,
  runs: { id: string; done: boolean }[],
  command: string,
): Promise<PresetReportFiles> {
  return writeReportFiles(dir, p.name, built, builtReport(p, scale, built, runs, command));
}

async function writeReportFiles(
  dir: string,
  name: string,
  built: Built,
  report: { html: string; markdown: string; missing: string[] },
): Promise<PresetReportFiles> {
  mkdirSync(dir, { recursive: true });
  const figures = [];
  for (const f of built.figures) figures.push(await writeFigure(dir, f.name, f.figure));
  built.tables.forEach((t, i) => {
    writeFileSync(path.join(dir, `${name}-table-${i + 1}.md`), markdownTable(t));
    writeFileSync(path.join(dir, `${name}-table-${i + 1}.html`), htmlTable(t));
  });
  const md = path.join(dir, `${name}.md`);
  writeFileSync(md, report.markdown);
  const html = path.join(dir, `${name}.html`);
  writeFileSync(html, report.html);
  return {
    html,
    markdown: md,
    figures,
    tables: built.tables,
    missing: report.missing,
    claims: built.claims ?? [],
  };
}
