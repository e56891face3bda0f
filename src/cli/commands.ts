// The registry of commands: one file per command, listed here once.
import type { Command } from './command.js';
import { infoCommand } from './info.js';
import { fitCommand } from './fit.js';
import { runsCommand } from './runs.js';

export const COMMANDS: Command[] = [fitCommand, runsCommand, infoCommand];
