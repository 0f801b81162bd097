/**
 * Parses env files: the project `.env` (interpolation values) and `env_file:` (container environment).
 *
 * Format, as compose reads it: `KEY=VALUE` lines, blank lines and `#` comments, an optional `export `
 * prefix, unquoted values (trimmed, ` #` starts a comment), single quotes (literal) and double quotes
 * (escapes, may span lines). Unquoted and double-quoted values are interpolated like compose does,
 * from the keys above them first, then from `fallback`. A `KEY` line without `=` has no value (`null`).
 *
 * @module
 */
import { formatBytes, MAX_ENV_FILE_BYTES } from '../input-limits.js';
import { interpolate, type VariableLookup } from './interpolate.js';

/** One `KEY=VALUE` of an env file, with its 1-based line. */
export interface EnvFileEntry {
  readonly key: string;
  /** `null` for a bare `KEY` line. */
  readonly value: string | null;
  readonly line: number;
}

/** A problem on one line of an env file. */
export interface EnvFileProblem {
  readonly kind: 'error' | 'unset-variable';
  readonly message: string;
  readonly line: number;
  /** For `unset-variable`: the variable's name. */
  readonly variable?: string;
}

/** Everything parsed from one env file. */
export interface ParsedEnvFile {
  readonly entries: readonly EnvFileEntry[];
  readonly problems: readonly EnvFileProblem[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  '\\': '\\',
  $: '$$',
};

/**
 * Parses env-file text.
 *
 * @example
 * parseEnvFile('export A=1\nB="x $A"\n', () => undefined).entries // [{key:'A',value:'1'},{key:'B',value:'x 1'}]
 */
export function parseEnvFile(text: string, fallback: VariableLookup): ParsedEnvFile {
  // Callers read the whole file first; this cap at least keeps a huge one from being parsed, and names it.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_ENV_FILE_BYTES) {
    const message = `the env file is ${formatBytes(bytes)}, larger than the ${formatBytes(MAX_ENV_FILE_BYTES)} stackctl reads; is it the right file?`;
    return { entries: [], problems: [{ kind: 'error', message, line: 1 }] };
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const entries: EnvFileEntry[] = [];
  const problems: EnvFileProblem[] = [];
  const own = new Map<string, string>();
  const lookup: VariableLookup = (name) => own.get(name) ?? fallback(name);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const body = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const eq = body.indexOf('=');
    const key = (eq < 0 ? body : body.slice(0, eq)).trim();
    if (!KEY.test(key)) {
      problems.push({ kind: 'error', message: `invalid variable name "${key}"`, line: lineNo });
      continue;
    }
    if (eq < 0) {
      entries.push({ key, value: null, line: lineNo });
      continue;
    }
    let raw = body.slice(eq + 1).trimStart();
    const quote = raw[0];
    let value: string;
    if (quote === '"' || quote === "'") {
      // A quoted value may continue on the following lines until the closing quote.
      let end = closingQuote(raw, quote);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        raw += `\n${lines[i] ?? ''}`;
        end = closingQuote(raw, quote);
      }
      if (end < 0) {
        problems.push({ kind: 'error', message: `value of ${key} has no closing ${quote}`, line: lineNo });
        continue;
      }
      const inner = raw.slice(1, end);
      if (quote === "'") {
        own.set(key, inner);
        entries.push({ key, value: inner, line: lineNo });
        continue;
      }
      value = inner.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
    } else {
      value = raw.replace(/\s+#.*$/, '').trim();
    }
    const result = interpolate(value, lookup);
    if (!result.ok) {
      problems.push({ kind: 'error', message: result.error, line: lineNo });
      continue;
    }
    for (const variable of result.missing) {
      problems.push({
        kind: 'unset-variable',
        message: `variable ${variable} is not set`,
        line: lineNo,
        variable,
      });
    }
    own.set(key, result.value);
    entries.push({ key, value: result.value, line: lineNo });
  }
  return { entries, problems };
}

/** Index of the quote closing `raw[0]`, skipping backslash escapes inside double quotes; -1 if none. */
function closingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') i++;
    else if (raw[i] === quote) return i;
  }
  return -1;
}
