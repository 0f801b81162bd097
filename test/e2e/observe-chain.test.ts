/**
 * End to end, against a real moto server: the longest chain of AWS calls made one after another while
 * observing shop dev right after a converge (what a no-op `plan`, `drift` and the operator's resync
 * read). Every call lasts the same fixed time, so calls that could overlap do, and the chain is
 * counted the way `npm run bench` counts it through its latency proxy (scripts/bench/chain.ts): most
 * calls in one sequence where each starts after the previous ended. Counts, never times: a change that
 * makes one kind wait for another's reads again lengthens the chain and fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longestChain, type TimedCall } from '../../scripts/bench/chain.js';
import type { AwsClients } from '../../src/aws/types.js';
import { loadStackProject } from '../../src/desired/load-project.js';
import { type ObservedStack, observeStack } from '../../src/observed/observe-stack.js';
import { OBSERVERS } from '../../src/observed/registry.js';
import { createPublicZone, type DataEnv, startDataE2e } from './data-helpers/data-env.js';
import { applyOf } from './helpers/plan-output.js';
import { SHOP_DIR } from './helpers/workspace.js';

const CONVERGE_TIMEOUT_MS = 240_000;

/**
 * How long every call takes: moto's answer is held back until then. Far above moto's own latency, so
 * every call lasts the same and two calls line up in a chain only when one really started after the
 * other ended (with moto's uneven latency alone, unrelated fast and slow calls line up by chance).
 */
const CALL_DURATION_MS = 400;

/**
 * Most calls in sequence while observing shop dev with no journal (as `plan` does): the goal.
 * Measured: 5 (the VPC, its namespace, the namespace's services and their tags, the instances); 20
 * when the kinds were observed in ten fixed levels.
 */
const SHOP_DEV_OBSERVE_CHAIN_MAX = 5;

let env: DataEnv;

beforeAll(async () => {
  env = await startDataE2e();
  await createPublicZone(env.clients, 'example.com');
});
afterAll(async () => {
  await env?.stop();
});

/** `clients` with every call lasting {@link CALL_DURATION_MS} at least, logged (start and end, in ms). */
function timedClients(clients: AwsClients, log: TimedCall[]): AwsClients {
  const out: Record<string, unknown> = {};
  for (const [service, client] of Object.entries(clients)) {
    if (typeof client !== 'object' || client === null || !('send' in client)) {
      out[service] = client;
      continue;
    }
    out[service] = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: object, ...rest: unknown[]) => {
          const start = performance.now();
          try {
            return await (target as { send: (c: object, ...r: unknown[]) => Promise<unknown> }).send(
              command,
              ...rest,
            );
          } finally {
            const left = start + CALL_DURATION_MS - performance.now();
            if (left > 0) await new Promise((r) => setTimeout(r, left));
            log.push({ start, end: performance.now(), service, operation: command.constructor.name });
          }
        };
      },
    });
  }
  return out as unknown as AwsClients;
}

/** One longest chain's calls, first to last, so a failure says which reads wait for which. */
function chainPath(log: readonly TimedCall[]): string[] {
  const best = new Map<TimedCall, { readonly length: number; readonly prev?: TimedCall }>();
  for (const call of [...log].sort((a, b) => a.end - b.end)) {
    let top: { length: number; prev?: TimedCall } = { length: 1 };
    for (const [prev, { length }] of best)
      if (prev.end <= call.start && length + 1 > top.length) top = { length: length + 1, prev };
    best.set(call, top);
  }
  let at = [...best].sort((a, b) => b[1].length - a[1].length)[0]?.[0];
  const path: string[] = [];
  for (; at !== undefined; at = best.get(at)?.prev) path.unshift(`${at.service}:${at.operation}`);
  return path;
}

describe('observing shop dev after a converge', () => {
  it(
    `makes at most ${SHOP_DEV_OBSERVE_CHAIN_MAX} calls one after another, and finds every resource`,
    async () => {
      const shop = env.cliIn(SHOP_DIR);
      expect((await shop('config', 'set', 'API_TOKEN', '--random', '--stack', 'dev')).code).toBe(0);
      const first = await shop('reconcile', '--once', '--stack', 'dev', '--output', 'json');
      expect(first.code, first.out + first.err).toBe(0);
      expect(applyOf(first).ok).toBe(true);

      const { desired } = loadStackProject({ cwd: SHOP_DIR, stack: 'dev' });
      const log: TimedCall[] = [];
      const result: ObservedStack = await observeStack({
        project: desired.project,
        stack: desired.stack,
        desired: desired.resources,
        clients: timedClients(env.clients, log),
        observers: OBSERVERS,
      });

      // Every desired resource was found and has its outputs: the graph waited where outputs are read.
      const found = new Set(result.observed.map((o) => `${o.kind} ${o.logicalId}`));
      const missing = desired.resources.filter((d) => !found.has(`${d.kind} ${d.logicalId}`));
      expect(missing.map((d) => d.logicalId)).toEqual([]);
      const chain = longestChain(log);
      console.info(`observing shop dev: ${log.length} calls, longest chain ${chain}`);
      expect(chain, `longest chain: ${chainPath(log).join(' -> ')}`).toBeLessThanOrEqual(
        SHOP_DEV_OBSERVE_CHAIN_MAX,
      );
    },
    CONVERGE_TIMEOUT_MS,
  );
});
