/**
 * The `stackctl check` report: the verdict on every edge of one stack, as a table for people and as
 * typed JSON for scripts (numbers as numbers, booleans as booleans, `schemaVersion` first).
 *
 * @module
 */
import { ALL_PORTS } from './edges.js';
import { type EdgeVerdict, verdictReason } from './judge.js';

/** Bumped on any incompatible change to the JSON shape of {@link wiringReportToJsonValue}. */
export const WIRING_REPORT_SCHEMA_VERSION = 1;

/** One stack's wiring, judged. */
export interface WiringReport {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly verdicts: readonly EdgeVerdict[];
}

/** True when every edge is wired. */
export function wiringOk(verdicts: readonly EdgeVerdict[]): boolean {
  return verdicts.every((v) => v.ok);
}

/** The verdicts of broken edges only. */
export function brokenEdges(verdicts: readonly EdgeVerdict[]): readonly EdgeVerdict[] {
  return verdicts.filter((v) => !v.ok);
}

/** One edge as JSON. `port` is `null` when the callee declares no port (every TCP port is needed). */
export interface EdgeVerdictJson {
  readonly name: string;
  readonly kind: 'private' | 'public';
  readonly caller: string;
  readonly callee: string;
  readonly label: string | null;
  readonly port: number | null;
  readonly listenerPort: number | null;
  readonly host: string | null;
  readonly sources: readonly string[];
  readonly ok: boolean;
  readonly resolves: boolean | null;
  readonly admitted: boolean;
  readonly routed: boolean | null;
  readonly reasons: {
    readonly resolves: string | null;
    readonly admitted: string;
    readonly routed: string | null;
  };
}

/** {@link EdgeVerdictJson} of one verdict. */
export function verdictToJson(v: EdgeVerdict): EdgeVerdictJson {
  const e = v.edge;
  const base = {
    name: v.name,
    ok: v.ok,
    resolves: v.resolves?.ok ?? null,
    admitted: v.admitted.ok,
    routed: v.routed?.ok ?? null,
    reasons: {
      resolves: v.resolves?.reason ?? null,
      admitted: v.admitted.reason,
      routed: v.routed?.reason ?? null,
    },
  };
  if (e.type === 'public')
    return {
      ...base,
      kind: 'public',
      caller: 'internet',
      callee: e.callee,
      label: null,
      port: e.port,
      listenerPort: e.listenerPort,
      host: e.host ?? null,
      sources: ['ports'],
    };
  return {
    ...base,
    kind: 'private',
    caller: e.caller,
    callee: e.callee,
    label: e.label,
    port: e.port === ALL_PORTS ? null : e.port,
    listenerPort: null,
    host: null,
    sources: e.sources,
  };
}

/** The report as a JSON value. */
export function wiringReportToJsonValue(report: WiringReport): unknown {
  const broken = brokenEdges(report.verdicts).length;
  return {
    schemaVersion: WIRING_REPORT_SCHEMA_VERSION,
    project: report.project,
    stack: report.stack,
    region: report.region,
    ok: broken === 0,
    summary: { edges: report.verdicts.length, wired: report.verdicts.length - broken, broken },
    edges: report.verdicts.map(verdictToJson),
  };
}

const mark = (ok: boolean | undefined): string => (ok === undefined ? '-' : ok ? '✓' : '✗');

const HEADER = ['EDGE', 'KIND', 'RESOLVES', 'ADMITTED', 'ROUTED', 'REASON'] as const;

/** Options of {@link formatWiringText}. */
export interface WiringTextOptions {
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

/** The report as a table, one edge per line, then a summary line. */
export function formatWiringText(report: WiringReport, options: WiringTextOptions = {}): string {
  const paint = (code: number, s: string): string => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const rows = report.verdicts.map((v) => [
    v.name,
    v.edge.type,
    mark(v.resolves?.ok),
    mark(v.admitted.ok),
    mark(v.routed?.ok),
    verdictReason(v),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [`${report.project}/${report.stack} (${report.region})`, line(HEADER)];
  for (const [i, r] of rows.entries()) {
    const text = line(r);
    out.push(report.verdicts[i]?.ok ? text : paint(31, text));
  }
  const broken = brokenEdges(report.verdicts).length;
  const total = report.verdicts.length;
  out.push(
    broken === 0 ? paint(32, `All ${total} edges wired.`) : paint(31, `${broken} of ${total} edges broken.`),
  );
  return `${out.join('\n')}\n`;
}
