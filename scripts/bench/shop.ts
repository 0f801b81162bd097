/**
 * Rows 1–3 of the issue's table, on the example shop's dev stack in one moto behind the latency proxy:
 * the reads of a no-op pass (per operation), the time that pass spends in AWS calls and its longest
 * chain of sequential calls, and a converge from empty against the stack's longest dependency chain.
 *
 * @module
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { collectRefs } from '../../src/diff/resolve-refs.js';
import { startMoto } from '../../test/helpers/moto.js';
import { type ChainFigures, chainFigures, readCallLog } from './chain.js';
import {
  immediateTasks,
  mustRun,
  progress,
  readsByOperation,
  resourceReads,
  type StatsJson,
  scopeCliEnv,
} from './cli.js';
import { CALL_DELAY_S, type LatencyProxy, peerMissingReason, startLatencyProxy } from './proxy.js';

/** The example app. */
export const SHOP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/shop');

/** What the shop phase measured. */
export interface ShopFigures {
  readonly resources: number;
  /** Resources on the longest path of `dependsOn` plus `$ref` edges (both order the converge). */
  readonly longestDependencyChain: number;
  readonly noop: {
    /** Reads of AWS resources (the state table's reads are listed per operation but not counted here). */
    readonly reads: number;
    readonly stateTableReads: number;
    readonly mutations: number;
    readonly readsByOperation: Readonly<Record<string, number>>;
    /** `plan --stack dev` on the same converged stack, for reference. */
    readonly planReads: number;
    readonly wallSeconds: number;
    /** Through the proxy; absent when the peer harness is missing. */
    readonly proxied?: ChainFigures;
  };
  readonly converge: {
    readonly wallSeconds: number;
    readonly calls: number;
    readonly proxied?: ChainFigures;
    /** Wall time ÷ (longest dependency chain × delay); absent without the proxy. */
    readonly ratioToCriticalPath?: number;
  };
  readonly skipped?: string;
}

/** Resources on the longest path through `dependsOn` and `$ref` edges. */
export function longestDependencyChain(stack: DesiredStack): number {
  const deps = new Map(
    stack.resources.map((r) => [
      r.logicalId,
      [...new Set([...r.dependsOn, ...collectRefs(r.spec).map((ref) => ref.$ref)])].filter(
        (d) => d !== r.logicalId,
      ),
    ]),
  );
  const depth = new Map<string, number>();
  const visit = (id: string, seen: ReadonlySet<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    const next = new Set(seen).add(id);
    const d = 1 + Math.max(0, ...(deps.get(id) ?? []).filter((x) => deps.has(x)).map((x) => visit(x, next)));
    depth.set(id, d);
    return d;
  };
  return Math.max(0, ...[...deps.keys()].map((id) => visit(id, new Set())));
}

/** Runs the shop phase; the proxy is used when the peer harness is present. */
export async function measureShop(): Promise<ShopFigures> {
  const missing = peerMissingReason();
  if (missing) progress(`shop: latency rows skipped: ${missing}; counting reads against moto directly`);
  const moto = await startMoto();
  const restoreEnv = scopeCliEnv();
  const dir = await mkdtemp(join(tmpdir(), 'stackctl-bench-shop-'));
  let proxy: LatencyProxy | undefined;
  try {
    await immediateTasks(moto.endpoint);
    if (!missing) proxy = await startLatencyProxy(Number(new URL(moto.endpoint).port));
    const endpoint = proxy?.endpoint ?? moto.endpoint;
    await cp(SHOP_DIR, dir, { recursive: true });
    const cli = (...args: string[]) => ['-C', dir, ...args, '--endpoint-url', endpoint];
    const stack = JSON.parse(
      (await mustRun(cli('render', '--stack', 'dev', '--output', 'json'))).out,
    ) as DesiredStack;
    const chain = longestDependencyChain(stack);
    await mustRun([
      '-C',
      dir,
      'config',
      'set',
      'API_TOKEN',
      '--random',
      '--stack',
      'dev',
      '--endpoint-url',
      moto.endpoint,
    ]);

    progress(
      `shop dev: ${stack.resources.length} resources, longest dependency chain ${chain}; converging from empty`,
    );
    const t0 = Date.now() / 1000;
    const first = await mustRun(cli('reconcile', '--once', '--stack', 'dev', '--output', 'json', '--stats'));
    const t1 = Date.now() / 1000;
    const firstStats = (JSON.parse(first.out) as { stats: StatsJson }).stats;
    const convergeCalls = proxy ? chainFigures(readCallLog(proxy.logFile, t0, t1)) : undefined;
    progress(
      `shop dev converged in ${first.seconds.toFixed(1)} s (${firstStats.totals.calls} calls` +
        `${convergeCalls ? `, longest sequential chain ${convergeCalls.longestChain}` : ''})`,
    );

    const t2 = Date.now() / 1000;
    const noop = await mustRun(cli('reconcile', '--once', '--stack', 'dev', '--output', 'json', '--stats'));
    const t3 = Date.now() / 1000;
    const doc = JSON.parse(noop.out) as { stats: StatsJson; summary: { applied?: number } };
    const noopCalls = proxy ? chainFigures(readCallLog(proxy.logFile, t2, t3)) : undefined;
    const planDoc = JSON.parse(
      (await mustRun(cli('plan', '--stack', 'dev', '--output', 'json', '--stats'), [0, 2])).out,
    ) as {
      stats: StatsJson;
    };
    const perOp = readsByOperation(doc.stats);
    const stateTableReads = Object.entries(perOp)
      .filter(([k]) => k.startsWith('dynamodb '))
      .reduce((s, [, n]) => s + n, 0);
    const figures: ShopFigures = {
      resources: stack.resources.length,
      longestDependencyChain: chain,
      noop: {
        reads: resourceReads(doc.stats),
        stateTableReads,
        mutations: doc.stats.calls
          .filter((r) => r.kind === 'mutate' && r.service !== 'dynamodb')
          .reduce((s, r) => s + r.count, 0),
        readsByOperation: perOp,
        planReads: resourceReads(planDoc.stats),
        wallSeconds: noop.seconds,
        ...(noopCalls ? { proxied: noopCalls } : {}),
      },
      converge: {
        wallSeconds: first.seconds,
        calls: firstStats.totals.calls,
        ...(convergeCalls
          ? { proxied: convergeCalls, ratioToCriticalPath: first.seconds / (chain * CALL_DELAY_S) }
          : {}),
      },
      ...(missing ? { skipped: missing } : {}),
    };
    progress(
      `shop dev no-op pass: ${figures.noop.reads} reads (+${stateTableReads} state table)` +
        (noopCalls
          ? `, ${noopCalls.callSpanSeconds.toFixed(2)} s in AWS calls, longest chain ${noopCalls.longestChain}`
          : ''),
    );
    return figures;
  } finally {
    restoreEnv();
    await proxy?.stop();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
