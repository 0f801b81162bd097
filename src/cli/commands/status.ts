/**
 * `stackctl status`: one line per stack, for people and scripts: sync, health, generation, last pass,
 * services running/desired.
 *
 * Sync and health are observed live (the same read-only pass as `drift`, wiring check included: a broken
 * edge makes the stack Degraded and OutOfSync); generation and the last pass
 * come from the state table when it has them (the operator's STATUS/SPEC items, else the newest pass
 * event), and "-" (null in JSON) otherwise. Each stack's public URLs follow its line.
 *
 * @module
 */
import { isNotFound } from '../../aws/index.js';
import type { AwsClients } from '../../aws/types.js';
import type { DesiredStack } from '../../desired/resource-types.js';
import { readPublicUrls } from '../../observed/public-urls.js';
import { describeServiceCounts } from '../../observed/service-counts.js';
import type { StackDriftResult } from '../../reconcilers/drift-pass.js';
import { getSpec, listEvents, readStatus, type StackRef } from '../../state/index.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, formatData, paint } from '../output.js';
import { stateTableName } from './aws-context.js';
import { collectDrift } from './drift.js';
import type { Command } from './types.js';

/** The last pass over a stack: the operator's status item, else the newest pass event. */
export interface StatusLastPass {
  /** ISO time the pass finished (or the event was written). */
  readonly at: string;
  /** `success`/`error`/`paused`/`aborted` from the status item, or the event's reason (`Reconciled`). */
  readonly result: string;
}

/** One stack of `status`: typed values, `null` where the state table or AWS has nothing. */
export interface StatusRow {
  readonly stack: string;
  readonly region: string;
  readonly sync: string;
  readonly health: string;
  /** The spec generation `push` last wrote; null before any push. */
  readonly specGeneration: number | null;
  /** The spec generation the operator last reconciled; null before its first pass. */
  readonly observedGeneration: number | null;
  readonly lastPass: StatusLastPass | null;
  /** Tasks running and desired, summed over services; null when the stack has none or was not read. */
  readonly services: { readonly running: number; readonly desired: number } | null;
  readonly perService: readonly {
    readonly service: string;
    readonly running: number | null;
    readonly desired: number;
  }[];
  /** Every public URL of the stack, as AWS serves it (load balancer DNS name or HTTPS host). */
  readonly publicUrls: readonly string[];
  /** Edges of the app that do not work in AWS (`stackctl check`): health is Degraded while any is. */
  readonly brokenEdges: readonly { readonly edge: string; readonly reason: string }[];
  /** Why the stack could not be checked; null when it was. */
  readonly error: string | null;
}

async function orNothing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

type StateColumns = Pick<StatusRow, 'specGeneration' | 'observedGeneration' | 'lastPass'>;

async function stateColumns(ref: StackRef): Promise<StateColumns> {
  const [spec, status, events] = await Promise.all([
    orNothing(getSpec(ref)),
    orNothing(readStatus(ref)),
    orNothing(listEvents({ ...ref, limit: 1 })),
  ]);
  const pass = status?.lastPass;
  const event = events?.[0];
  return {
    specGeneration: spec?.generation ?? null,
    observedGeneration: spec === undefined ? null : (status?.observedGeneration ?? null),
    lastPass: pass
      ? { at: pass.finishedAt, result: pass.result }
      : event
        ? { at: event.at, result: event.reason }
        : null,
  };
}

async function rowOf(result: StackDriftResult, table: string): Promise<StatusRow> {
  const { drift } = result;
  const base = { stack: drift.stack, region: drift.region, sync: drift.sync, health: drift.health };
  const clients: AwsClients | undefined = result.clients;
  const desired: DesiredStack | undefined = result.desired;
  const brokenEdges = (drift.wiring?.broken ?? []).map((b) => ({ edge: b.edge, reason: b.reason }));
  const error = drift.error ?? null;
  if (!clients || !desired) {
    return {
      ...base,
      specGeneration: null,
      observedGeneration: null,
      lastPass: null,
      services: null,
      perService: [],
      publicUrls: [],
      brokenEdges,
      error,
    };
  }
  const ref = { client: clients.dynamodb, table, project: desired.project, stack: desired.stack };
  const [state, counts, urls] = await Promise.all([
    stateColumns(ref),
    describeServiceCounts(clients, desired),
    result.resolved
      ? readPublicUrls({
          clients,
          desired,
          resolved: result.resolved,
          ...(result.planned ? { outputs: result.planned.outputs } : {}),
        })
      : [],
  ]);
  const running = counts.reduce((sum, c) => sum + (c.running ?? 0), 0);
  const wanted = counts.reduce((sum, c) => sum + c.desired, 0);
  return {
    ...base,
    ...state,
    services: counts.length === 0 ? null : { running, desired: wanted },
    perService: counts.map((c) => ({ service: c.service, running: c.running ?? null, desired: c.desired })),
    publicUrls: urls.map((u) => u.url),
    brokenEdges,
    error,
  };
}

/** The table cells of one row: `-` for what is absent, `spec/observed` generations, `running/desired`. */
export function statusCells(r: StatusRow): readonly string[] {
  const generation =
    r.specGeneration === null
      ? '-'
      : r.observedGeneration === null
        ? String(r.specGeneration)
        : `${r.specGeneration}/${r.observedGeneration}`;
  return [
    r.stack,
    r.region,
    r.sync,
    r.health,
    generation,
    r.lastPass ? `${r.lastPass.at} ${r.lastPass.result}` : '-',
    r.services ? `${r.services.running}/${r.services.desired}` : '-',
  ];
}

/** The `StatusReport` document of `status --output json|yaml` (docs/json-output.md). */
export function statusJson(rows: readonly StatusRow[]) {
  return jsonDocument('StatusReport', { stacks: rows });
}

const HEADER = ['STACK', 'REGION', 'SYNC', 'HEALTH', 'GENERATION', 'LAST PASS', 'SERVICES'] as const;

/** `status [--stack S | --all]`. */
export const statusCommand: Command = {
  words: ['status'],
  usage: 'stackctl status (--stack S | --all) [--output text|json]',
  summary:
    'One line per stack: sync (Synced/OutOfSync), health (Healthy only when every edge of the app is wired, as `check` proves), generation, last pass and services running/desired, observed live, then its public URLs and any broken edge. Read-only; exit 1 when a stack could not be checked.',
  async run({ flags }, io) {
    const { results } = await collectDrift(flags, io);
    const table = stateTableName(flags);
    const rows = await Promise.all(results.map((r) => rowOf(r, table)));
    if (flags.output === 'json' || flags.output === 'yaml')
      io.out(formatData(statusJson(rows), flags.output));
    else {
      const cells = rows.map(statusCells);
      const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
      const line = (c: readonly string[]): string =>
        c
          .map((v, i) => v.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      const c = paint(flags.color);
      io.out(`${line(HEADER)}\n`);
      for (const [i, r] of rows.entries()) {
        const text = line(cells[i] ?? []);
        io.out(`${r.sync === 'Synced' ? text : c.yellow(text)}\n`);
        if (r.error) io.out(`  ${c.red('error:')} ${r.error}\n`);
        for (const url of r.publicUrls) io.out(`  ${url}\n`);
        for (const b of r.brokenEdges) io.out(`  ${c.red('✗')} ${b.edge}: ${b.reason}\n`);
      }
    }
    return rows.some((r) => r.error !== null) ? EXIT.error : EXIT.ok;
  },
};
