/**
 * The operator's Prometheus metrics, kept in memory and rendered in the text exposition format
 * (version 0.0.4) on `/metrics`. Hand-written rather than a client library: a dozen series do not
 * justify a dependency, and the format is a few lines of text.
 *
 * @module
 */
import type { CallStatsRow } from '../aws/index.js';

/** Buckets of the pass duration histogram, in seconds: a no-op pass takes ~1 s, a first deploy minutes. */
export const PASS_DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;

/** What a finished pass reports to the metrics. */
export interface PassObservation {
  readonly action: string;
  readonly result: string;
  readonly durationMs: number;
  readonly driftFound: number;
  readonly driftCorrected: number;
}

/** Live values read at scrape time. */
export interface Gauges {
  readonly queueDepth: number;
  readonly delayed: number;
  readonly inFlight: number;
  readonly stacks: number;
  readonly ready: boolean;
  /** The client-side rate limiter's totals so far (rate-limits.ts); absent when it is off. */
  readonly rateLimit?: { readonly calls: number; readonly waitedMs: number };
}

type Labels = Readonly<Record<string, string>>;

/** Escapes a label value as the exposition format requires (backslash, quote, newline). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

class Counter {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  inc(labels: Labels, by = 1): void {
    const key = JSON.stringify(labels);
    const cur = this.values.get(key) ?? { labels, value: 0 };
    cur.value += by;
    this.values.set(key, cur);
  }
}

/**
 * Counters and a histogram for passes, drift and AWS calls. One instance per operator.
 *
 * @example
 * metrics.observePass({ action: 'apply', result: 'success', durationMs: 1200, driftFound: 1, driftCorrected: 1 });
 * res.end(metrics.render(gauges, baseStats.snapshot()));
 */
export class OperatorMetrics {
  readonly #passes = new Counter();
  readonly #driftFound = new Counter();
  readonly #driftCorrected = new Counter();
  readonly #leaseLost = new Counter();
  readonly #aws = new Map<string, { row: CallStatsRow }>();
  readonly #buckets = PASS_DURATION_BUCKETS.map(() => 0);
  #durationSum = 0;
  #durationCount = 0;

  /** Records one finished pass. */
  observePass(pass: PassObservation): void {
    this.#passes.inc({ action: pass.action, result: pass.result });
    const seconds = pass.durationMs / 1000;
    PASS_DURATION_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.#buckets[i] = (this.#buckets[i] ?? 0) + 1;
    });
    this.#durationSum += seconds;
    this.#durationCount += 1;
    if (pass.driftFound > 0) this.#driftFound.inc({}, pass.driftFound);
    if (pass.driftCorrected > 0) this.#driftCorrected.inc({}, pass.driftCorrected);
  }

  /** Records a pass that stopped because another replica took the lease. */
  observeLeaseLost(): void {
    this.#leaseLost.inc({});
  }

  /** Adds one pass's AWS call accounting to the running totals. */
  addCalls(rows: readonly CallStatsRow[]): void {
    for (const r of rows) {
      const key = `${r.service}\u0000${r.operation}`;
      const cur = this.#aws.get(key)?.row;
      this.#aws.set(key, {
        row: cur
          ? {
              ...cur,
              count: cur.count + r.count,
              errors: cur.errors + r.errors,
              attempts: cur.attempts + r.attempts,
              throttles: cur.throttles + r.throttles,
            }
          : r,
      });
    }
  }

  /** Passes recorded so far with `result`, for tests and the status page. */
  passCount(result?: string): number {
    let n = 0;
    for (const { labels, value } of this.#passes.values.values())
      if (!result || labels.result === result) n += value;
    return n;
  }

  /** The exposition text. `extraCalls` are calls made outside passes (watcher, leases) so far. */
  render(gauges: Gauges, extraCalls: readonly CallStatsRow[] = []): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    const counter = (name: string, help: string, c: Counter, unlabelled = true): void => {
      family(name, 'counter', help);
      // A label-less counter exists from the start (0), so rate() works before its first increment.
      if (c.values.size === 0 && unlabelled) lines.push(`${name} 0`);
      for (const { labels, value } of c.values.values()) lines.push(`${name}${labelText(labels)} ${value}`);
    };
    counter('stackctl_passes_total', 'Passes finished, by action and result.', this.#passes, false);
    family('stackctl_pass_duration_seconds', 'histogram', 'Duration of passes that held a lease.');
    PASS_DURATION_BUCKETS.forEach((le, i) => {
      lines.push(`stackctl_pass_duration_seconds_bucket{le="${le}"} ${this.#buckets[i] ?? 0}`);
    });
    lines.push(
      `stackctl_pass_duration_seconds_bucket{le="+Inf"} ${this.#durationCount}`,
      `stackctl_pass_duration_seconds_sum ${this.#durationSum}`,
      `stackctl_pass_duration_seconds_count ${this.#durationCount}`,
    );
    counter(
      'stackctl_drift_found_total',
      'Resources found differing from the spec on a resync.',
      this.#driftFound,
    );
    counter(
      'stackctl_drift_corrected_total',
      'Drifted resources changed back (driftPolicy correct).',
      this.#driftCorrected,
    );
    counter(
      'stackctl_lease_lost_total',
      'Passes stopped because another replica took the lease.',
      this.#leaseLost,
    );
    this.#renderCalls(lines, family, extraCalls);
    if (gauges.rateLimit) {
      family(
        'stackctl_aws_rate_limited_calls_total',
        'counter',
        'AWS calls held back by the client-side rate limits.',
      );
      lines.push(`stackctl_aws_rate_limited_calls_total ${gauges.rateLimit.calls}`);
      family(
        'stackctl_aws_rate_limit_wait_seconds_total',
        'counter',
        'Time AWS calls waited for a rate-limit token.',
      );
      lines.push(`stackctl_aws_rate_limit_wait_seconds_total ${gauges.rateLimit.waitedMs / 1000}`);
    }
    const gauge = (name: string, help: string, value: number): void => {
      family(name, 'gauge', help);
      lines.push(`${name} ${value}`);
    };
    gauge('stackctl_queue_depth', 'Stacks ready to be reconciled, waiting for a worker.', gauges.queueDepth);
    gauge('stackctl_queue_delayed', 'Stacks waiting on a resync, progress or backoff timer.', gauges.delayed);
    gauge('stackctl_passes_in_flight', 'Passes running now.', gauges.inFlight);
    gauge('stackctl_stacks', 'Stacks in the state table at the last poll.', gauges.stacks);
    gauge(
      'stackctl_ready',
      '1 when this replica is ready (table reachable, not stopping).',
      gauges.ready ? 1 : 0,
    );
    return `${lines.join('\n')}\n`;
  }

  #renderCalls(
    lines: string[],
    family: (n: string, t: string, h: string) => void,
    extra: readonly CallStatsRow[],
  ): void {
    const merged = new OperatorMetrics();
    merged.addCalls([...[...this.#aws.values()].map((v) => v.row), ...extra]);
    const rows = [...merged.#aws.values()]
      .map((v) => v.row)
      .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
    const series = (name: string, help: string, pick: (r: CallStatsRow) => number): void => {
      family(name, 'counter', help);
      for (const r of rows)
        lines.push(
          `${name}${labelText({ service: r.service, operation: r.operation, kind: r.kind })} ${pick(r)}`,
        );
    };
    series('stackctl_aws_calls_total', 'AWS API calls, by service and operation.', (r) => r.count);
    series('stackctl_aws_call_errors_total', 'AWS API calls that finally failed.', (r) => r.errors);
    series('stackctl_aws_throttles_total', 'AWS API attempts that were throttled.', (r) => r.throttles);
  }
}
