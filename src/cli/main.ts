#!/usr/bin/env node
/**
 * The `stackctl` command: parses the command line, runs one command, maps its outcome to an exit code.
 *
 * @module
 */
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { flagsFromOptions, UsageError } from './args.js';
import { colorFilteredIo, type StreamColors, streamColors } from './color.js';
import { describeError, EXIT, type ExitCode, type Io, paint } from './output.js';
import { CommandUsageError, parseInvocation } from './program.js';

/** The process's own Io: real stdout/stderr/stdin. */
export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  ...(process.stdout.isTTY ? { outTerminal: { columns: process.stdout.columns ?? 80 } } : {}),
  ...(process.stderr.isTTY ? { errTerminal: { columns: process.stderr.columns ?? 80 } } : {}),
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

/**
 * Runs one command line; never throws: every failure becomes a message on stderr and exit 1, a usage
 * error followed by `see stackctl help CMD`. Colour is decided per stream (color.ts) before anything is
 * printed, errors included.
 */
export async function run(argv: readonly string[], io: Io = processIo): Promise<ExitCode> {
  const colors = streamColors(io, argv.includes('--no-color'), process.env);
  const styled = colorFilteredIo(io, colors);
  let words: readonly string[] | undefined;
  try {
    const invocation = parseInvocation(argv, styled);
    if (invocation.kind === 'answered') return invocation.code;
    words = invocation.command.words;
    const flags = flagsFromOptions(invocation.options, colors.out || colors.err);
    return await invocation.command.run({ positionals: invocation.positionals, flags }, styled);
  } catch (err) {
    printError(styled, colors, err, words);
    return EXIT.error;
  }
}

/** `error: …` on stderr; a usage error adds where to read about the command. */
function printError(io: Io, colors: StreamColors, err: unknown, words: readonly string[] | undefined): void {
  const label = paint(colors.err).red('error:');
  io.err(`${label} ${describeError(err)}\n`);
  if (err instanceof UsageError) {
    const about = err instanceof CommandUsageError ? err.words : (words ?? []);
    io.err(`see stackctl help${about.length > 0 ? ` ${about.join(' ')}` : ''}\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
