/**
 * Row 5 of the table: what the operator costs per pass. One small pushed stack, an operator with
 * a short resync against moto, and a wrapped {@link ClientsFactory} that counts the SDK clients it hands
 * out which were never handed out before (so reused clients count zero) and keeps every CallStats the
 * passes were given, to count the reads of the resync passes once the stack has converged.
 *
 * @module
 */
import { rmSync } from 'node:fs';
import { classifyOperation } from '../../src/aws/call-stats.js';
import { DEFAULT_RESYNC_MS } from '../../src/operator/config.js';
import type { ClientsFactory } from '../../src/operator/pass-session.js';
import { readStatus } from '../../src/state/index.js';
import { motoClients, TEST_REGION } from '../../test/helpers/aws.js';
import { startMoto } from '../../test/helpers/moto.js';
import {
  memoryLogger,
  motoFactory,
  push,
  testConfig,
  testOperator,
  waitFor,
  writeProject,
} from '../../test/integration/operator/operator-fixture.js';
import { progress, scopeCliEnv } from './cli.js';

/** Resync passes measured after the stack converged. */
export const RESYNC_PASSES = 3;
/** Resync period of the measured operator: short, so the bench waits seconds, not minutes. */
const BENCH_RESYNC_MS = 3_000;
const TABLE = 'bench-operator';
const PROJECT = 'opbench';

/** What the operator phase measured. */
export interface OperatorFigures {
  readonly passes: number;
  /** SDK clients constructed over the whole run (clients reused across passes count once). */
  readonly clientsCreated: number;
  /** SDK clients constructed over every pass ÷ passes (clients reused across passes count once). */
  readonly clientsCreatedPerPass: number;
  readonly clientsCreatedPerResync: number;
  readonly readsPerStackPerResync: number;
  /** At the default resync period ({@link DEFAULT_RESYNC_MS}). */
  readonly readsPerStackPerHour: number;
  readonly resourcesPerStack: number;
}

/** Name of the bench's own call counter, distinct from stackctl's `stackctlCallStats`. */
const BENCH_COUNTER = 'stackctlBenchReadCounter';

type Next = (args: unknown) => Promise<unknown>;
interface Stack {
  add(
    mw: (next: Next, ctx: { commandName?: string }) => Next,
    options: { step: string; name: string; priority: string; override: boolean },
  ): void;
}

/**
 * A factory that counts the SDK clients it hands out which were never handed out before, and counts
 * every read those clients make with a middleware of its own: however the operator scopes stats to its
 * passes, each call any pass makes is seen once.
 */
function countingFactory(inner: ClientsFactory): {
  factory: ClientsFactory;
  created: () => number;
  reads: () => number;
} {
  const seen = new WeakSet<object>();
  let created = 0;
  let reads = 0;
  const factory: ClientsFactory = (region, stats, budget) => {
    const bundle = inner(region, stats, budget);
    for (const [key, value] of Object.entries(bundle)) {
      if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
      if (seen.has(value)) continue;
      seen.add(value);
      created += 1;
      // The state table's calls are the operator's bookkeeping, not reads of the stack's resources.
      if (key === 'dynamodb') continue;
      (value.middlewareStack as Stack).add(
        (next, ctx) => async (args) => {
          if (classifyOperation((ctx.commandName ?? '').replace(/Command$/, '')) === 'read') reads += 1;
          return next(args);
        },
        { step: 'initialize', name: BENCH_COUNTER, priority: 'high', override: true },
      );
    }
    return bundle;
  };
  return { factory, created: () => created, reads: () => reads };
}

/** Runs the operator phase. */
export async function measureOperator(): Promise<OperatorFigures> {
  const moto = await startMoto();
  const restoreEnv = scopeCliEnv({ AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: TEST_REGION });
  const dir = writeProject(PROJECT, { s1: {} });
  const counting = countingFactory(motoFactory(moto.endpoint));
  const logger = memoryLogger();
  const op = testOperator(moto.endpoint, testConfig(TABLE, { resyncMs: BENCH_RESYNC_MS, resyncJitter: 0 }), {
    clientsFor: counting.factory,
    logger,
  });
  try {
    await op.start();
    await push(dir, 's1', TABLE);
    const ref = { client: motoClients(moto.endpoint).dynamodb, table: TABLE, project: PROJECT, stack: 's1' };
    const status = await waitFor(
      'the pushed stack to sync',
      async () => {
        const s = await readStatus(ref);
        return s?.observedGeneration === 1 && s.conditions.Synced.status === 'True' ? s : undefined;
      },
      120_000,
    ).catch((err: unknown) => {
      throw new Error(`operator: ${String(err)}\n${logger.lines.slice(-20).join('\n')}`);
    });
    await waitFor('the converging pass to end', async () => op.inFlight().length === 0);
    const base = { passes: op.metrics.passCount(), reads: counting.reads(), created: counting.created() };
    progress(`operator: stack converged after ${base.passes} pass(es); waiting for ${RESYNC_PASSES} resyncs`);
    await waitFor(
      `${RESYNC_PASSES} resync passes`,
      async () => op.metrics.passCount() >= base.passes + RESYNC_PASSES && op.inFlight().length === 0,
      60_000,
      100,
    );
    const passes = op.metrics.passCount();
    const resyncs = passes - base.passes;
    const readsPerResync = (counting.reads() - base.reads) / resyncs;
    const figures: OperatorFigures = {
      passes,
      clientsCreated: counting.created(),
      clientsCreatedPerPass: counting.created() / passes,
      clientsCreatedPerResync: (counting.created() - base.created) / resyncs,
      readsPerStackPerResync: readsPerResync,
      readsPerStackPerHour: readsPerResync * (3_600_000 / DEFAULT_RESYNC_MS),
      resourcesPerStack: status.summary?.total ?? 0,
    };
    progress(
      `operator: ${figures.clientsCreatedPerResync.toFixed(1)} new SDK clients and ` +
        `${readsPerResync.toFixed(1)} reads per resync pass`,
    );
    return figures;
  } finally {
    await op.stop();
    restoreEnv();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
