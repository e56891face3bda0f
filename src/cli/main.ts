// genlab's entry point: finds the command, parses its flags, and turns errors into exit codes.
import { didYouMean, exitCodeOf } from '../engine/index.js';
import { parseArgs, formatHelp } from './args.js';
import { processIo, type Io } from './command.js';
import { COMMANDS } from './commands.js';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return [
    'genlab — experiments of "Understanding deep learning requires rethinking generalization" (Zhang et al., ICLR 2017)',
    '',
    'Usage: genlab COMMAND [flags]      (genlab COMMAND --help for its flags)',
    '',
    'Commands:',
    ...rows,
    '',
    'Start with `genlab demo`: a standard network fits random labels, random pixels and Gaussian noise perfectly.',
    '',
  ].join('\n');
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad input). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    const names = COMMANDS.map((c) => c.name);
    io.err(
      `genlab: unknown command "${name}"; expected one of ${names.join(', ')}${didYouMean(name, names)}\n`,
    );
    return 2;
  }
  try {
    const args = parseArgs(rest, cmd.flags, cmd.name);
    if (args.flags.help) {
      io.out(formatHelp(cmd.name, cmd.usage, cmd.description, cmd.flags));
      return 0;
    }
    return await cmd.run(args, io);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`${verbose && err.stack ? err.stack : err.message}\n`);
    return exitCodeOf(err);
  }
}
