// The report room's public API: figures, tables, the HTML report, PNG encoding and the paper's numbers.
export * from './png.js';
export * from './plot.js';
export * from './table.js';
export * from './html.js';
export * from './paper.js';
export { textWidth } from './text-metrics.js';
export { gridPng } from './image-grid.js';
