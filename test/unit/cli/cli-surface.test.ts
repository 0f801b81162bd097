/**
 * The CLI's command-line surface, run in-process: each command accepts exactly its own flags (and the
 * global ones), help is per command, `version` and `completion` answer, usage errors exit 1 pointing at
 * the command's help, and colour is decided per stream.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_FLAG_SPECS, GLOBAL_FLAGS, surfaceOf } from '../../../src/cli/command-flags.js';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { COMPLETION_SHELLS, completionScript } from '../../../src/cli/completion.js';
import { run } from '../../../src/cli/main.js';
import type { Io } from '../../../src/cli/output.js';
import { parseCommandLine } from '../../../src/cli/program.js';
import { cli } from './run-cli.js';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const commandRows = COMMANDS.map((c) => ({
  words: c.words,
  reason: `${c.words.join(' ')} declares its flags`,
}));

describe('flags belong to commands', () => {
  it.each(commandRows)('$name refuses an unknown flag ($reason)', async ({ words }) => {
    const r = await cli(...words, '--no-such-flag');

    expect({ code: r.code, out: r.out }).toEqual({ code: 1, out: '' });
    expect(r.err).toContain("unknown option '--no-such-flag'");
    expect(r.err).toContain(`see stackctl help ${words.join(' ')}\n`);
  });

  it.each([
    { argv: ['init', '--follow'], flag: '--follow', reason: 'follow is a logs flag' },
    { argv: ['init', '--remote'], flag: '--remote', reason: 'remote is a stacks ls flag' },
    { argv: ['validate', '--yes'], flag: '--yes', reason: 'validate changes nothing, so asks nothing' },
    { argv: ['render', '--wait'], flag: '--wait', reason: 'render calls no AWS' },
    { argv: ['config', 'rm', 'K', '--random'], flag: '--random', reason: 'random is a config set flag' },
    { argv: ['operator', '--stack', 'dev'], flag: '--stack', reason: 'the operator serves every stack' },
    { argv: ['stacks', 'ls', '--all'], flag: '--all', reason: 'all is a drift/status flag' },
    { argv: ['check', '--timeout', '5m'], flag: '--timeout', reason: 'only push and reconcile wait' },
  ])('$argv refuses $flag ($reason)', async ({ argv, flag }) => {
    const r = await cli(...argv);

    expect(r.code).toBe(1);
    expect(r.err).toContain(`unknown option '${flag}'`);
  });

  it.each([
    { argv: ['-C', '/nonexistent-dir', 'validate'], reason: 'a global flag before the command' },
    { argv: ['validate', '-C', '/nonexistent-dir'], reason: 'a global flag after the command' },
    { argv: ['validate', '--cwd=/nonexistent-dir', '--no-color'], reason: 'the long form with =' },
  ])('accepts -C anywhere: $reason', async ({ argv }) => {
    const r = await cli(...argv);

    // Parsed and run: the command itself reports the missing project, not the parser.
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('unknown option');
    expect(r.err).toContain('/nonexistent-dir');
  });

  it('every command of the table has a surface whose flags exist', () => {
    const missing = COMMANDS.filter((c) => surfaceOf(c.words) === undefined).map((c) => c.words.join(' '));
    expect(missing).toEqual([]);
  });

  it.each(
    COMMANDS.map((c) => ({
      name: c.words.join(' '),
      words: c.words,
      usage: c.usage,
      reason: 'usage and flags table agree',
    })),
  )('$name: the flags and formats its usage line names are accepted ($reason)', ({ words, usage }) => {
    const surface = surfaceOf(words);
    const accepted = new Set<string>([
      ...(surface?.flags ?? []).flatMap((f) => {
        const spec = COMMAND_FLAG_SPECS[f];
        return ['short' in spec ? `-${spec.short}` : '', `--${spec.name}`];
      }),
      ...GLOBAL_FLAGS.flatMap((f) => ['short' in f ? `-${f.short}` : '', `--${f.name}`]),
    ]);
    const named = [...usage.matchAll(/(?<![\w-])(--?[a-z][a-z-]*)/g)].map((m) => m[1] as string);
    expect(named.filter((f) => !accepted.has(f))).toEqual([]);
    const outputs = /--output ([a-z|]+)/.exec(usage)?.[1]?.split('|');
    expect(surface?.outputs).toEqual(outputs);
  });
});

describe('flag spellings', () => {
  it.each([
    {
      argv: ['plan', '-s', 'dev', '-f', 'x.yaml', '-p', 'shop', '-o', 'json'],
      want: { stack: 'dev', file: 'x.yaml', project: 'shop', output: 'json' },
      reason: 'short aliases',
    },
    {
      argv: ['plan', '--stack=dev', '--file=x.yaml', '--project=shop', '--output=json'],
      want: { stack: 'dev', file: 'x.yaml', project: 'shop', output: 'json' },
      reason: 'long forms with =',
    },
    {
      argv: ['-C', 'app', 'destroy', '-y', '--stack', 'dev'],
      want: { cwd: 'app', yes: true, stack: 'dev' },
      reason: 'a global flag before the command',
    },
    {
      argv: ['validate', '--profile', 'a', '--profile', 'b'],
      want: { profile: ['a', 'b'] },
      reason: '--profile repeats',
    },
    {
      argv: ['plan', '--image', 'api=r/api:1', '--image', 'web=r/web:2'],
      want: { images: { api: 'r/api:1', web: 'r/web:2' } },
      reason: '--image repeats',
    },
    {
      argv: ['reconcile', '--once', '--timeout', '15m', '--stack', 'dev'],
      want: { once: true, timeoutSeconds: 900 },
      reason: 'durations in seconds',
    },
    {
      argv: ['logs', '--since', '10m', '--follow'],
      want: { sinceSeconds: 600, follow: true },
      reason: 'logs flags',
    },
    {
      argv: ['operator', '--port', '0', '--table', 't'],
      want: { port: 0, table: 't' },
      reason: 'operator flags',
    },
    {
      argv: ['stacks', 'ls', '--remote', '--endpoint-url', 'http://x', '--aws-profile', 'p'],
      want: { remote: true, endpointUrl: 'http://x', awsProfile: 'p' },
      reason: 'global flags after the command',
    },
    {
      argv: ['validate'],
      want: { output: 'text', stats: false, color: false, images: {} },
      reason: 'defaults',
    },
  ])('$reason', ({ argv, want }) => {
    expect(parseCommandLine(argv).flags).toMatchObject(want);
  });

  it.each([
    {
      argv: ['reconcile', '--timeout', 'soon'],
      message: '--timeout takes a duration',
      reason: 'a malformed duration',
    },
    {
      argv: ['plan', '--image', 'api'],
      message: '--image takes SERVICE=IMAGE',
      reason: 'an image without a service',
    },
    { argv: ['plan', '--stack', 'Bad Name'], message: '--stack', reason: 'an invalid stack name' },
  ])('refuses $reason, pointing at the command', async ({ argv, message }) => {
    const r = await cli(...argv);

    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).toContain(`see stackctl help ${argv[0]}\n`);
  });
});

describe('--output', () => {
  it.each([
    {
      argv: ['plan', '-o', 'yaml'],
      message: 'plan does not offer --output yaml; it offers text, json, markdown',
    },
    {
      argv: ['render', '--output', 'html'],
      message: 'render does not offer --output html; it offers text, json, yaml',
    },
    {
      argv: ['drift', '--output=yaml'],
      message: 'drift does not offer --output yaml; it offers text, json, markdown, html',
    },
    {
      argv: ['stacks', 'show', 'dev', '-o', 'markdown'],
      message: 'stacks show does not offer --output markdown',
    },
  ])('$argv refuses a format it does not offer, naming the ones it does', async ({ argv, message }) => {
    const r = await cli(...argv);

    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).toContain(`see stackctl help ${argv[0] === 'stacks' ? 'stacks show' : argv[0]}`);
  });

  it.each([
    { argv: ['init', '-o', 'json'], reason: 'init prints text only' },
    { argv: ['config', 'rm', 'K', '--output', 'json'], reason: 'config rm prints text only' },
  ])('is unknown to a command without formats ($reason)', async ({ argv }) => {
    const r = await cli(...argv);

    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown option '(-o|--output)'/);
  });
});

describe('help', () => {
  it.each([
    { argv: ['help', 'plan'], reason: 'the help command' },
    { argv: ['plan', '--help'], reason: 'the --help flag' },
    { argv: ['plan', '-h'], reason: 'the short flag' },
  ])("shows plan's flags and examples only ($reason)", async ({ argv }) => {
    const r = await cli(...argv);

    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: stackctl plan');
    for (const flag of [
      '--stack',
      '--allow-data-loss',
      '--stats',
      '--aws-profile',
      '--endpoint-url',
      '-C, --cwd',
    ])
      expect(r.out).toContain(flag);
    expect(r.out).toContain('Examples:\n  stackctl plan --stack dev');
    for (const other of ['--follow', '--remote', '--random', 'Commands:', 'stackctl reconcile'])
      expect(r.out).not.toContain(other);
  });

  it('`help CMD` and `CMD --help` print the same text', async () => {
    const [a, b] = await Promise.all([cli('help', 'stacks', 'ls'), cli('stacks', 'ls', '--help')]);
    expect(a.out).toContain('--remote');
    expect(a.out).toBe(b.out);
  });

  it.each([
    { argv: [], reason: 'no arguments' },
    { argv: ['help'], reason: 'help alone' },
    { argv: ['--help'], reason: 'the flag alone' },
  ])('lists every command at the top level ($reason)', async ({ argv }) => {
    const r = await cli(...argv);

    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: stackctl <command>');
    for (const c of COMMANDS) {
      expect(r.out).toMatch(new RegExp(`\\n  ${c.words[0]}\\b`));
      if (c.words[1] !== undefined) expect(r.out).toContain(c.words[1]);
    }
  });

  it.each([
    { argv: ['help', 'nosuch'], hint: 'see stackctl help\n', reason: 'no such command' },
    { argv: ['help', 'stacks', 'nosuch'], hint: 'see stackctl help\n', reason: 'no such sub-command' },
    { argv: ['nosuch'], hint: 'see stackctl help\n', reason: 'running an unknown command' },
  ])('exits 1 for an unknown command ($reason)', async ({ argv, hint }) => {
    const r = await cli(...argv);

    expect({ code: r.code, out: r.out }).toEqual({ code: 1, out: '' });
    expect(r.err).toContain('unknown command');
    expect(r.err.endsWith(hint)).toBe(true);
  });

  it('prints a usage error once, then the pointer to the help', async () => {
    const r = await cli('logs', '--since');

    expect(r.err).toBe("error: option '--since <DURATION>' argument missing\nsee stackctl help logs\n");
  });
});

describe('version', () => {
  it.each([
    { argv: ['version'], reason: 'the command' },
    { argv: ['--version'], reason: 'the flag' },
  ])('prints the version of package.json ($reason)', async ({ argv }) => {
    const r = await cli(...argv);

    expect({ code: r.code, out: r.out, err: r.err }).toEqual({
      code: 0,
      out: `stackctl ${PACKAGE_VERSION}\n`,
      err: '',
    });
  });
});

describe('completion', () => {
  it.each(COMPLETION_SHELLS.map((shell) => ({ shell, reason: `stackctl completion ${shell}` })))(
    'the $shell script names every command and its flags ($reason)',
    async ({ shell }) => {
      const r = await cli('completion', shell);

      expect(r.code).toBe(0);
      expect(r.out).toBe(completionScript(shell));
      for (const c of COMMANDS) for (const w of c.words) expect(r.out).toMatch(new RegExp(`\\b${w}\\b`));
      for (const word of ['help', 'version', 'completion', 'allow-data-loss', 'from-stdin', 'markdown'])
        expect(r.out).toContain(word);
    },
  );

  it('refuses a shell it has no script for', async () => {
    const r = await cli('completion', 'powershell');

    expect(r.code).toBe(1);
    expect(r.err).toContain('choose bash, zsh, fish');
  });

  it.each([
    {
      line: ['stackctl', ''],
      want: ['validate', 'plan', 'stacks', 'completion', '--cwd'],
      not: ['ls'],
      reason: 'commands first',
    },
    {
      line: ['stackctl', 'init', '--f'],
      want: ['--file', '--force'],
      not: ['--follow'],
      reason: "init's flags only",
    },
    {
      line: ['stackctl', 'stacks', ''],
      want: ['ls', 'show', 'rm'],
      not: ['plan'],
      reason: 'sub-commands of a group',
    },
    {
      line: ['stackctl', 'operator', 'install', '--'],
      want: ['--image', '--stats'],
      not: ['--port'],
      reason: 'the longer command wins',
    },
    {
      line: ['stackctl', 'render', '-o', ''],
      want: ['text', 'json', 'yaml'],
      not: ['html'],
      reason: 'output formats offered',
    },
    {
      line: ['stackctl', 'plan', '-f', ''],
      want: [],
      not: ['--stack', 'validate'],
      reason: 'a flag value: file names',
    },
  ])('bash completes $line ($reason)', ({ line, want, not }) => {
    const script = completionScript('bash');
    const words = line.map((w) => `'${w}'`).join(' ');
    const replies = execFileSync(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _stackctl; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    ).split('\n');

    for (const w of want) expect(replies).toContain(w);
    for (const w of not) expect(replies).not.toContain(w);
  });
});

/** An Io that records output, with stdout and/or stderr reported as terminals. */
function terminalIo(terminals: { out?: boolean; err?: boolean }): {
  io: Io;
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: async () => '',
    confirm: async () => false,
    ...(terminals.out ? { outTerminal: { columns: 80 } } : {}),
    ...(terminals.err ? { errTerminal: { columns: 80 } } : {}),
  };
  return { io, out: () => out, err: () => err };
}

const RED_ERROR = '\u001b[31merror:\u001b[0m';

describe('colour of an error, decided from stderr', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    { terminals: { err: true }, env: {}, argv: [], coloured: true, reason: 'stderr is a terminal' },
    {
      terminals: { out: true },
      env: {},
      argv: [],
      coloured: false,
      reason: 'only stdout is a terminal: stderr decides',
    },
    {
      terminals: { err: true },
      env: { NO_COLOR: '1' },
      argv: [],
      coloured: false,
      reason: 'NO_COLOR disables',
    },
    {
      terminals: { err: true },
      env: {},
      argv: ['--no-color'],
      coloured: false,
      reason: '--no-color disables',
    },
    {
      terminals: {},
      env: { FORCE_COLOR: '1' },
      argv: [],
      coloured: true,
      reason: 'FORCE_COLOR enables in a pipe',
    },
    {
      terminals: { err: true },
      env: { FORCE_COLOR: '0' },
      argv: [],
      coloured: false,
      reason: 'FORCE_COLOR=0 disables',
    },
    {
      terminals: {},
      env: { FORCE_COLOR: '1', NO_COLOR: '1' },
      argv: [],
      coloured: false,
      reason: 'asking for no colour wins over forcing it',
    },
    {
      terminals: {},
      env: { FORCE_COLOR: '1' },
      argv: ['--no-color'],
      coloured: false,
      reason: 'the flag wins over the environment',
    },
    { terminals: { err: true }, env: { TERM: 'dumb' }, argv: [], coloured: false, reason: 'a dumb terminal' },
  ])('$reason', async ({ terminals, env, argv, coloured }) => {
    vi.stubEnv('NO_COLOR', undefined);
    vi.stubEnv('FORCE_COLOR', undefined);
    vi.stubEnv('TERM', 'xterm-256color');
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    const cap = terminalIo(terminals);

    const code = await run(['nosuch', ...argv], cap.io);

    expect(code).toBe(1);
    expect(cap.err().startsWith(RED_ERROR)).toBe(coloured);
    if (!coloured) expect(cap.err()).not.toContain('\u001b[');
  });
});
