// The registry of commands: one file per command, listed here once.
import type { Command } from './command.js';
import { infoCommand } from './info.js';
import { dataCommand } from './data.js';
import { fitCommand } from './fit.js';
import { demoCommand } from './demo.js';
import { runsCommand } from './runs.js';
import { modelsCommand } from './models.js';
import { benchCommand } from './bench.js';
import { runCommand } from './run.js';
import { reportCommand } from './report.js';
import { bookCommand } from './book.js';
import { expressivityCommand } from './expressivity.js';
import { kernelCommand } from './kernel.js';
import { minnormCommand } from './minnorm.js';
import { rademacherCommand } from './rademacher.js';
import { examplesCommand } from './examples.js';
import { memorizationCommand } from './memorization.js';
import { serveCommand } from './serve.js';
import { workerCommand } from './worker.js';
import { queueCommand } from './queue.js';

export const COMMANDS: Command[] = [
  demoCommand,
  fitCommand,
  runsCommand,
  modelsCommand,
  infoCommand,
  dataCommand,
  benchCommand,
  expressivityCommand,
  kernelCommand,
  minnormCommand,
  rademacherCommand,
  runCommand,
  workerCommand,
  queueCommand,
  reportCommand,
  bookCommand,
  examplesCommand,
  memorizationCommand,
  serveCommand,
];
