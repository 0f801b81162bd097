#!/usr/bin/env node
/**
 * The `stackctl` command: parses the command line, runs one command, maps its outcome to an exit code.
 *
 * @module
 */
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { parseCommandLine, UsageError } from './args.js';
import { COMMANDS, HELP } from './commands/index.js';
import { describeError, EXIT, type ExitCode, type Io } from './output.js';

/** The process's own Io: real stdout/stderr/stdin. */
export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  async confirm(question) {
    if (!process.stdin.isTTY) return false;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  },
};

/** Runs one command line; never throws: every failure becomes a message on stderr and exit 1. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<ExitCode> {
  try {
    const args = parseCommandLine(argv);
    if (args.flags.version) {
      io.out('stackctl 0.1.0\n');
      return EXIT.ok;
    }
    const [first, second] = args.positionals;
    if (first === undefined || first === 'help' || (args.flags.help && first === undefined)) {
      io.out(HELP);
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) =>
      c.words.length === 2 ? c.words[0] === first && c.words[1] === second : c.words[0] === first,
    );
    if (!command) throw new UsageError(`unknown command "${args.positionals.join(' ')}"`);
    if (args.flags.help) {
      io.out(`${command.usage}\n\n${command.summary}\n`);
      return EXIT.ok;
    }
    return await command.run({ ...args, positionals: args.positionals.slice(command.words.length) }, io);
  } catch (err) {
    io.err(`error: ${describeError(err)}\n`);
    return EXIT.error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
