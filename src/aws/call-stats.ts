/**
 * AWS API call accounting: how many logical calls a pass made, per service and operation, split into
 * reads and mutations, with errors, SDK attempts and throttled attempts.
 *
 * This is how "a pass that finds nothing to do makes zero mutating calls" is measured and how `--stats`
 * and `/metrics` report API pressure against the buckets in `aws-api-facts.md` §0.
 *
 * @module
 */

/** Whether an operation only reads or may change something in AWS. */
export type CallKind = 'read' | 'mutate';

/**
 * How a call (or one SDK attempt of it) ended. `throttled` is a failure AWS attributed to rate limits;
 * it counts as an error for a logical call and as a throttle for an attempt.
 */
export type CallOutcome = 'ok' | 'error' | 'throttled';

/** One row of {@link CallStats.snapshot}. */
export interface CallStatsRow {
  readonly service: string;
  readonly operation: string;
  readonly kind: CallKind;
  /** Logical calls (one per `client.send`, however many times the SDK retried it). */
  readonly count: number;
  /** Logical calls that finally failed. */
  readonly errors: number;
  /** HTTP attempts, retries included; 0 when only logical calls were recorded. */
  readonly attempts: number;
  /** Attempts AWS throttled. */
  readonly throttles: number;
}

/** Sums over every row of a snapshot. */
export interface CallStatsTotals {
  readonly calls: number;
  readonly reads: number;
  readonly mutates: number;
  readonly errors: number;
  readonly attempts: number;
  readonly throttles: number;
}

/** Per-service sums, as {@link CallStats.byService} returns them. */
export interface ServiceCallTotals extends CallStatsTotals {
  readonly service: string;
}

/** Operation prefixes (and whole names) that never change anything in AWS. */
const READ_PREFIXES: readonly string[] = ['Describe', 'List', 'Get', 'BatchGet'];
const READ_OPERATIONS: ReadonlySet<string> = new Set(['Query', 'Scan']);

/**
 * Read or mutate, from the operation name alone: `Describe*`, `List*`, `Get*`, `BatchGet*`, `Query` and
 * `Scan` read; everything else (Create, Put, Update, Delete, Tag, Register, TransactWrite…) mutates.
 *
 * @example classifyOperation('DescribeServices') // 'read'
 */
export function classifyOperation(operation: string): CallKind {
  if (READ_OPERATIONS.has(operation)) return 'read';
  return READ_PREFIXES.some((p) => operation.startsWith(p)) ? 'read' : 'mutate';
}

interface MutableRow {
  service: string;
  operation: string;
  kind: CallKind;
  count: number;
  errors: number;
  attempts: number;
  throttles: number;
}

/**
 * Counts AWS calls. One instance per pass (or per process for `/metrics`); safe to share between every
 * client of a bundle because Node runs the middleware on one thread.
 *
 * @example
 * const stats = new CallStats();
 * const clients = createAwsClients({ region, stats });
 * // … run a pass …
 * if (stats.totals().mutates === 0) console.log('no changes');
 */
export class CallStats {
  readonly #rows = new Map<string, MutableRow>();

  #row(service: string, operation: string): MutableRow {
    const key = `${service}\u0000${operation}`;
    let row = this.#rows.get(key);
    if (!row) {
      row = {
        service,
        operation,
        kind: classifyOperation(operation),
        count: 0,
        errors: 0,
        attempts: 0,
        throttles: 0,
      };
      this.#rows.set(key, row);
    }
    return row;
  }

  /** Records one logical call and how it finally ended. */
  record(service: string, operation: string, outcome: CallOutcome): void {
    const row = this.#row(service, operation);
    row.count += 1;
    if (outcome !== 'ok') row.errors += 1;
  }

  /** Records one SDK attempt (the first try or a retry) and how it ended. */
  recordAttempt(service: string, operation: string, outcome: CallOutcome): void {
    const row = this.#row(service, operation);
    row.attempts += 1;
    if (outcome === 'throttled') row.throttles += 1;
  }

  /** Forgets everything, e.g. between operator passes. */
  reset(): void {
    this.#rows.clear();
  }

  /** Every row, sorted by service then operation, as immutable copies. */
  snapshot(): readonly CallStatsRow[] {
    return [...this.#rows.values()]
      .map((r) => ({ ...r }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
  }

  /** Sums over all services. */
  totals(): CallStatsTotals {
    return sumRows(this.snapshot());
  }

  /** Sums per service, sorted by service name. */
  byService(): readonly ServiceCallTotals[] {
    const groups = new Map<string, CallStatsRow[]>();
    for (const row of this.snapshot()) {
      const list = groups.get(row.service) ?? [];
      list.push(row);
      groups.set(row.service, list);
    }
    return [...groups.entries()].map(([service, rows]) => ({ service, ...sumRows(rows) }));
  }
}

/** Sums a list of rows. */
export function sumRows(rows: readonly CallStatsRow[]): CallStatsTotals {
  let calls = 0;
  let reads = 0;
  let mutates = 0;
  let errors = 0;
  let attempts = 0;
  let throttles = 0;
  for (const r of rows) {
    calls += r.count;
    if (r.kind === 'read') reads += r.count;
    else mutates += r.count;
    errors += r.errors;
    attempts += r.attempts;
    throttles += r.throttles;
  }
  return { calls, reads, mutates, errors, attempts, throttles };
}

const TABLE_HEADER = ['SERVICE', 'OPERATION', 'KIND', 'CALLS', 'ERRORS', 'ATTEMPTS', 'THROTTLES'] as const;

/**
 * Renders a snapshot as the plain-text table `--stats` prints: one row per operation, then a total line.
 * Column widths fit the data, so the output is stable for a given snapshot.
 */
export function formatStatsTable(rows: readonly CallStatsRow[]): string {
  const t = sumRows(rows);
  const body: string[][] = rows.map((r) => [
    r.service,
    r.operation,
    r.kind,
    String(r.count),
    String(r.errors),
    String(r.attempts),
    String(r.throttles),
  ]);
  const footer = [
    'total',
    `${t.reads} reads, ${t.mutates} mutations`,
    '',
    String(t.calls),
    String(t.errors),
    String(t.attempts),
    String(t.throttles),
  ];
  const all = [[...TABLE_HEADER], ...body, footer];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...all.map((cells) => (cells[i] ?? '').length)));
  const numeric = (i: number): boolean => i >= 3;
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [...all.map(line)].join('\n');
}
