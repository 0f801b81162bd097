/**
 * Shell completion scripts for `stackctl completion bash|zsh|fish`, generated from the command table and
 * the flags table, so completion offers exactly the commands that exist and, after a command, exactly
 * the flags it accepts (and the `--output` formats it offers).
 *
 * @module
 */
import { COMMAND_FLAG_SPECS, type FlagSpec, GLOBAL_FLAGS, surfaceOf } from './command-flags.js';
import { COMMANDS } from './commands/index.js';

/** Shells a completion script exists for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
/** A shell of {@link COMPLETION_SHELLS}. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** Whether `name` is a shell of {@link COMPLETION_SHELLS}. */
export function isCompletionShell(name: string): name is CompletionShell {
  return (COMPLETION_SHELLS as readonly string[]).includes(name);
}

/** Commands the CLI answers itself, besides the command table. */
const BUILTIN_COMMANDS = ['help', 'version', 'completion'] as const;

/** One completable command: its words and the flags (long and short spellings) it accepts. */
interface Completable {
  readonly words: readonly string[];
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  readonly outputs: readonly string[];
}

function completables(): readonly Completable[] {
  return COMMANDS.map((c) => {
    const surface = surfaceOf(c.words);
    return {
      words: c.words,
      summary: c.summary,
      flags: [...(surface?.flags ?? []).map((f) => COMMAND_FLAG_SPECS[f]), ...GLOBAL_FLAGS, HELP_FLAG],
      outputs: surface?.outputs ?? [],
    };
  });
}

const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', description: 'show the help' };

/** First words of every command, plus the built-in ones, in help order without repeats. */
function firstWords(): readonly string[] {
  return [...new Set([...COMMANDS.map((c) => c.words[0] as string), ...BUILTIN_COMMANDS])];
}

/** Second words under a group (`stacks` → ls, show, …). */
function subWords(group: string): readonly string[] {
  return COMMANDS.filter((c) => c.words.length === 2 && c.words[0] === group).map(
    (c) => c.words[1] as string,
  );
}

function spellings(flag: FlagSpec): string[] {
  return [`--${flag.name}`, ...(flag.short ? [`-${flag.short}`] : [])];
}

/** Longest words first, so `operator install` is matched before `operator`. */
function byMostWords(list: readonly Completable[]): readonly Completable[] {
  return [...list].sort((a, b) => b.words.length - a.words.length);
}

/** A summary's first sentence, shortened for a completion menu. */
function short(summary: string): string {
  const sentence = summary.split(/(?<=\.)\s/)[0] ?? summary;
  return sentence.length > 70 ? `${sentence.slice(0, 69)}…` : sentence;
}

/** Every spelling of every flag that takes a value (`-f`, `--file`, …), except `--output`. */
function valueFlagSpellings(): readonly string[] {
  const flags = [...Object.values(COMMAND_FLAG_SPECS), ...GLOBAL_FLAGS] as readonly FlagSpec[];
  return flags.filter((f) => f.value !== undefined && f.name !== 'output').flatMap(spellings);
}

function bashScript(): string {
  const groups = [...new Set(COMMANDS.filter((c) => c.words.length === 2).map((c) => c.words[0] as string))];
  const cases = [
    ...byMostWords(completables()).flatMap((c) => {
      const pattern = `*" ${c.words.join(' ')} "*`;
      const words = [
        ...c.flags.flatMap(spellings),
        ...(c.words.length === 1 ? subWords(c.words[0] as string) : []),
      ];
      return [`    ${pattern}) opts="${words.join(' ')}" ;;`];
    }),
    ...groups
      .filter((g) => !COMMANDS.some((c) => c.words.length === 1 && c.words[0] === g))
      .map((g) => `    *" ${g} "*) opts="${subWords(g).join(' ')}" ;;`),
    `    *" completion "*) opts="${COMPLETION_SHELLS.join(' ')}" ;;`,
    `    *" help "*) opts="${firstWords().join(' ')}" ;;`,
    `    *) opts="${firstWords().join(' ')} ${GLOBAL_FLAGS.flatMap(spellings).join(' ')} --help --version" ;;`,
  ];
  const outputs = byMostWords(completables())
    .filter((c) => c.outputs.length > 0)
    .map(
      (c) =>
        `      *" ${c.words.join(' ')} "*) COMPREPLY=($(compgen -W "${c.outputs.join(' ')}" -- "$cur")); return ;;`,
    );
  return `# stackctl completion for bash. Load it with: source <(stackctl completion bash)
_stackctl() {
  local cur prev line opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  line=" \${COMP_WORDS[*]:1:COMP_CWORD-1} "
  if [[ "$prev" == "-o" || "$prev" == "--output" ]]; then
    case "$line" in
${outputs.join('\n')}
    esac
  fi
  # A flag that takes a value: complete file names (complete -o default).
  case "$prev" in
    ${valueFlagSpellings().join('|')}) COMPREPLY=(); return ;;
  esac
  case "$line" in
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _stackctl stackctl
`;
}

function zshScript(): string {
  const cases = [
    ...byMostWords(completables()).map((c) => {
      const words = [
        ...c.flags.flatMap(spellings),
        ...(c.words.length === 1 ? subWords(c.words[0] as string) : []),
      ];
      return `    *" ${c.words.join(' ')} "*) opts=(${words.join(' ')}) ;;`;
    }),
    ...[...new Set(COMMANDS.filter((c) => c.words.length === 2).map((c) => c.words[0] as string))]
      .filter((g) => !COMMANDS.some((c) => c.words.length === 1 && c.words[0] === g))
      .map((g) => `    *" ${g} "*) opts=(${subWords(g).join(' ')}) ;;`),
    `    *" completion "*) opts=(${COMPLETION_SHELLS.join(' ')}) ;;`,
    `    *" help "*) opts=(${firstWords().join(' ')}) ;;`,
    `    *) opts=(${firstWords().join(' ')} ${GLOBAL_FLAGS.flatMap(spellings).join(' ')} --help --version) ;;`,
  ];
  const outputs = byMostWords(completables())
    .filter((c) => c.outputs.length > 0)
    .map((c) => `      *" ${c.words.join(' ')} "*) compadd -- ${c.outputs.join(' ')}; return ;;`);
  return `#compdef stackctl
# stackctl completion for zsh. Load it with: source <(stackctl completion zsh)  (after compinit)
_stackctl() {
  local -a opts
  local line=" \${words[2,CURRENT-1]} "
  if [[ "\${words[CURRENT-1]}" == "-o" || "\${words[CURRENT-1]}" == "--output" ]]; then
    case "$line" in
${outputs.join('\n')}
    esac
  fi
  case "$line" in
${cases.join('\n')}
  esac
  compadd -- $opts
}
compdef _stackctl stackctl
`;
}

/** A fish single-quoted string. */
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishCondition(words: readonly string[]): string {
  const [first, second] = words;
  const others = COMMANDS.filter((c) => c.words.length === 2 && c.words[0] === first).map((c) => c.words[1]);
  if (second !== undefined)
    return `__fish_seen_subcommand_from ${first}; and __fish_seen_subcommand_from ${second}`;
  return others.length > 0
    ? `__fish_seen_subcommand_from ${first}; and not __fish_seen_subcommand_from ${others.join(' ')}`
    : `__fish_seen_subcommand_from ${first}`;
}

function fishScript(): string {
  const lines = [
    '# stackctl completion for fish. Install it with:',
    '#   stackctl completion fish > ~/.config/fish/completions/stackctl.fish',
    'complete -c stackctl -f',
  ];
  // A first word that is a command itself (`operator`) gets its own line, not a group line.
  const seenFirst = new Set<string>(
    COMMANDS.filter((c) => c.words.length === 1).map((c) => c.words[0] as string),
  );
  for (const c of COMMANDS) {
    const first = c.words[0] as string;
    if (c.words.length === 1) {
      lines.push(
        `complete -c stackctl -n __fish_use_subcommand -a ${first} -d ${fishQuote(short(c.summary))}`,
      );
    } else {
      if (!seenFirst.has(first)) {
        seenFirst.add(first);
        lines.push(
          `complete -c stackctl -n __fish_use_subcommand -a ${first} -d ${fishQuote(`${first} commands`)}`,
        );
      }
      lines.push(
        `complete -c stackctl -n '__fish_seen_subcommand_from ${first}; and not __fish_seen_subcommand_from ${subWords(first).join(' ')}' -a ${c.words[1]} -d ${fishQuote(short(c.summary))}`,
      );
    }
  }
  for (const name of BUILTIN_COMMANDS) lines.push(`complete -c stackctl -n __fish_use_subcommand -a ${name}`);
  lines.push(
    `complete -c stackctl -n '__fish_seen_subcommand_from completion' -a ${fishQuote(COMPLETION_SHELLS.join(' '))}`,
  );
  for (const flag of [...GLOBAL_FLAGS, HELP_FLAG]) lines.push(fishFlag(flag, undefined));
  lines.push("complete -c stackctl -l version -d 'print the version'");
  for (const c of completables()) {
    const surface = surfaceOf(c.words);
    for (const name of surface?.flags ?? []) {
      const flag = COMMAND_FLAG_SPECS[name];
      const values = name === 'output' ? ` -a ${fishQuote(c.outputs.join(' '))}` : '';
      lines.push(`${fishFlag(flag, fishCondition(c.words))}${values}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function fishFlag(flag: FlagSpec, condition: string | undefined): string {
  const parts = ['complete -c stackctl'];
  if (condition !== undefined) parts.push(`-n ${fishQuote(condition)}`);
  parts.push(`-l ${flag.name}`);
  if (flag.short) parts.push(`-s ${flag.short}`);
  if (flag.value) parts.push('-r');
  parts.push(`-d ${fishQuote(flag.description)}`);
  return parts.join(' ');
}

/** The completion script for `shell`. */
export function completionScript(shell: CompletionShell): string {
  switch (shell) {
    case 'bash':
      return bashScript();
    case 'zsh':
      return zshScript();
    case 'fish':
      return fishScript();
  }
}
