// The registry of commands: one file per command, listed here once.
import type { Command } from './command.js';
import { infoCommand } from './info.js';

export const COMMANDS: Command[] = [infoCommand];
