/**
 * Structured JSON logs, one object per line, as CloudWatch Logs Insights and every log shipper parse
 * them. The logger is injected everywhere (never a global), so tests capture lines and assert on fields.
 *
 * House style (reconciler-anchors §e): a constant message plus fields (`stack`, `fence`, `owner`…),
 * never values formatted into the message. Callers pass errors as `error`; only their name, code,
 * message and, for AWS failures, the call (`ecs:CreateService`) are written, and those are already
 * redacted by the layer that raised them.
 *
 * @module
 */
import { callSiteOf, formatCallName } from '../aws/index.js';

/** Severities, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** A severity. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fields attached to one line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** What the operator logs through. Four methods, easy to fake with an object literal. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Options for {@link jsonLogger}. */
export interface JsonLoggerOptions {
  /** Lines below this level are dropped. @default 'info' */
  readonly level?: LogLevel;
  /** Where each line goes (without the newline). @default process.stdout */
  readonly write?: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** Fields on every line, e.g. `{ owner }`. */
  readonly base?: LogFields;
}

/** Errors as plain data: a stack trace is noise in a log line, and `cause` chains can hold raw SDK data. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const site = callSiteOf(value);
    return {
      name: value.name,
      message: value.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(site ? { call: formatCallName(site) } : {}),
    };
  }
  return value;
}

/**
 * A logger writing one JSON object per line: `{"time","level","msg",...fields}`.
 *
 * @example
 * const log = jsonLogger({ base: { owner } });
 * log.info('pass finished', { stack: 'shop/dev', fence: 7, durationMs: 1234 });
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const emit =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (LOG_LEVELS.indexOf(level) < min) return;
      const entries = Object.entries({ ...options.base, ...fields }).map(([k, v]) => [k, plain(v)]);
      write(
        JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...Object.fromEntries(entries) }),
      );
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that drops everything, for library callers that do not care. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
