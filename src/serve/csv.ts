// CSV (RFC 4180) of the runs table, a run's per-epoch metrics and its per-step losses.
import type { RunRow } from '../store/store.js';
import { RECORD_NUMBERS } from '../store/run-dir.js';
import type { EpochRecord } from '../train/index.js';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of cells under a header line, CRLF-separated. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

const SUMMARY_COLUMNS = ['epochs', 'steps', 'stepsToFit', 'trainAcc', 'testAcc', 'bestTestAcc'] as const;

export function runsCsv(rows: RunRow[]): string {
  const header = [
    'id',
    'status',
    'model',
    'dataset',
    'labels',
    'inputs',
    ...SUMMARY_COLUMNS,
    'created',
    'updated',
  ];
  return toCsv(
    header,
    rows.map((r) => [
      r.run,
      r.status,
      r.model,
      r.dataset,
      r.labels,
      r.inputs,
      ...SUMMARY_COLUMNS.map((k) => r.results?.[k]),
      r.created,
      r.updated,
    ]),
  );
}

const EPOCH_COLUMNS: (keyof EpochRecord)[] = ['epoch', ...RECORD_NUMBERS];

export function epochsCsv(epochs: EpochRecord[]): string {
  return toCsv(
    EPOCH_COLUMNS,
    epochs.map((e) => EPOCH_COLUMNS.map((k) => e[k])),
  );
}

/** Step numbers are 1-based: the loss of step s is the s-th value stored. */
export function stepsCsv(losses: Float32Array): string {
  const lines = ['step,loss'];
  for (let i = 0; i < losses.length; i++) lines.push(`${i + 1},${cell(losses[i])}`);
  return lines.join('\r\n') + '\r\n';
}
