/**
 * The latency proxy's call log, read back: one timed call per line, and the two figures the benchmark
 * takes from it, the time spent in AWS calls and the longest chain of calls made one after another.
 *
 * A chain is a sequence of calls where each starts only after the previous one ended: with a fixed delay
 * per call it is the floor under a pass's duration that no amount of parallelism can remove, so it is
 * what "flat observation" and "converge on the critical path" are judged by.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** One call the proxy forwarded: epoch seconds when it arrived and when it was answered. */
export interface TimedCall {
  readonly start: number;
  readonly end: number;
  /** The SigV4 credential scope's service (`ecs`, `ec2`…), `?` when unsigned. */
  readonly service: string;
  /** X-Amz-Target, the query `Action`, or `METHOD:/path` for REST APIs. */
  readonly operation: string;
}

/** Parses the proxy log (`start end service operation` per line), keeping calls that started in the window. */
export function readCallLog(file: string, fromEpochS = 0, toEpochS = Number.POSITIVE_INFINITY): TimedCall[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const calls: TimedCall[] = [];
  for (const line of text.split('\n')) {
    const [start, end, service, operation] = line.trim().split(' ');
    if (start === undefined || end === undefined) continue;
    const call = {
      start: Number(start),
      end: Number(end),
      service: service ?? '?',
      operation: operation ?? '',
    };
    if (Number.isFinite(call.start) && call.start >= fromEpochS && call.start <= toEpochS) calls.push(call);
  }
  return calls;
}

/**
 * One longest sequence of calls where each starts after the previous ended (a longest path in the
 * interval order), first call first. O(n²), fine for the few hundred calls of a pass.
 */
export function longestChainCalls(calls: readonly TimedCall[]): readonly TimedCall[] {
  const byEnd = [...calls].sort((a, b) => a.end - b.end);
  const best: number[] = [];
  const previous: number[] = [];
  let last = -1;
  for (let i = 0; i < byEnd.length; i++) {
    const call = byEnd[i] as TimedCall;
    let before = 0;
    let from = -1;
    for (let j = 0; j < i; j++) {
      const prev = byEnd[j] as TimedCall;
      if (prev.end <= call.start && (best[j] ?? 0) > before) {
        before = best[j] ?? 0;
        from = j;
      }
    }
    best.push(before + 1);
    previous.push(from);
    if (last < 0 || before + 1 > (best[last] ?? 0)) last = i;
  }
  const chain: TimedCall[] = [];
  for (let i = last; i >= 0; i = previous[i] ?? -1) chain.push(byEnd[i] as TimedCall);
  return chain.reverse();
}

/** The length of {@link longestChainCalls}. */
export function longestChain(calls: readonly TimedCall[]): number {
  return longestChainCalls(calls).length;
}

/** Seconds from the first call's start to the last call's end: the time a pass spends in AWS calls. */
export function callSpanSeconds(calls: readonly TimedCall[]): number {
  if (calls.length === 0) return 0;
  return Math.max(...calls.map((c) => c.end)) - Math.min(...calls.map((c) => c.start));
}

/** Calls per `service operation`, sorted by name. */
export function countByOperation(calls: readonly TimedCall[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls)
    counts.set(`${c.service} ${c.operation}`, (counts.get(`${c.service} ${c.operation}`) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** What a timed phase through the proxy produced. */
export interface ChainFigures {
  readonly calls: number;
  readonly longestChain: number;
  readonly callSpanSeconds: number;
  /** The operations of one longest chain, in order (`service Operation`): what the floor is made of. */
  readonly chainOperations: readonly string[];
}

/** The figures of the calls in a window. */
export function chainFigures(calls: readonly TimedCall[]): ChainFigures {
  const chain = longestChainCalls(calls);
  return {
    calls: calls.length,
    longestChain: chain.length,
    callSpanSeconds: callSpanSeconds(calls),
    chainOperations: chain.map((c) => `${c.service} ${c.operation}`),
  };
}
