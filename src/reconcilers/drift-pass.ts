/**
 * Drift over one or many stacks: observe and plan each (read-only), then turn the plans into the drift
 * report model. Stacks are grouped by region so each region gets one client bundle whose reads are shared
 * between its stacks (`observed/shared-reads.ts`); one stack failing never hides the others.
 *
 * @module
 */
import pLimit from 'p-limit';
import { sanitizeAwsMessage } from '../aws/index.js';
import type { AwsClients } from '../aws/types.js';
import type { ResolvedStack } from '../desired/resolved-types.js';
import type { DesiredStack } from '../desired/resource-types.js';
import { buildStackDrift, type IgnoreRule, type StackDrift, stackDriftError } from '../diff/drift/index.js';
import type { WiringEdge, WiringReport } from '../diff/wiring/index.js';
import { StackctlError } from '../errors.js';
import type { RememberedResource } from '../observed/observe-stack.js';
import { shareReads } from '../observed/shared-reads.js';
import { checkWiring } from './check-wiring.js';
import { type PlannedPass, planPass } from './reconcile-stack.js';

/** Stacks observed at once within a region: enough to overlap latency, few enough for the read buckets. */
export const DRIFT_STACK_CONCURRENCY = 4;

/** One stack to check: rendered, or the reason it could not be (a bad stack file). */
export type DriftStackInput =
  | {
      readonly stack: string;
      readonly region: string;
      readonly desired: DesiredStack;
      /** The app's edges (`wiringEdges(resolved)`): judged against AWS too when given. */
      readonly edges?: readonly WiringEdge[];
      /** The resolved stack, passed through to the result (public URLs in `status`). */
      readonly resolved?: ResolvedStack;
    }
  | { readonly stack: string; readonly region: string; readonly error: string };

/** Inputs of {@link driftStacks}. */
export interface DriftStacksInput {
  readonly project: string;
  readonly stacks: readonly DriftStackInput[];
  /** Called once per region; the bundle is used for reads only. */
  readonly clientsFor: (region: string) => AwsClients;
  /** From `.stackctl/driftignore`. @default none */
  readonly rules?: readonly IgnoreRule[];
  /** Share reads between the stacks of a region. @default true */
  readonly shareReads?: boolean;
  /** @default DRIFT_STACK_CONCURRENCY */
  readonly concurrency?: number;
  /**
   * What the journal remembers of a stack (the secret versions its services were rolled out with), so a
   * changed secret is drift of the services that read it. @default nothing remembered
   */
  readonly remembered?: (
    desired: DesiredStack,
    clients: AwsClients,
  ) => Promise<readonly RememberedResource[]>;
}

/** One stack's outcome: its drift and, when it could be observed, the pass behind it. */
export interface StackDriftResult {
  readonly drift: StackDrift;
  readonly planned?: PlannedPass;
  /** The wiring check, when edges were given. */
  readonly wiring?: WiringReport;
  readonly desired?: DesiredStack;
  readonly resolved?: ResolvedStack;
  readonly clients?: AwsClients;
}

/** A user-facing, secret-free message for a failure while checking one stack. */
export function driftErrorMessage(err: unknown): string {
  if (err instanceof StackctlError) return err.message;
  if (err instanceof Error) return `${err.name}: ${sanitizeAwsMessage(err.message)}`;
  return String(err);
}

/**
 * Observes and plans one stack without changing anything, with data loss allowed in the plan so that
 * stateful replacements and orphans show as what they are. With `edges`, also judges the app's wiring
 * (reusing the pass's outputs): a broken edge is drift.
 */
export async function driftOne(
  desired: DesiredStack,
  clients: AwsClients,
  rules: readonly IgnoreRule[] = [],
  edges?: readonly WiringEdge[],
  remembered: readonly RememberedResource[] = [],
): Promise<StackDriftResult> {
  const planned = await planPass({ desired, clients, finalSnapshot: false, allowDataLoss: true }, remembered);
  const wiring =
    edges === undefined
      ? undefined
      : await checkWiring({ desired, edges, clients, outputs: planned.outputs });
  return {
    drift: buildStackDrift({
      plan: planned.plan,
      region: desired.region,
      // The stack's own ignoreChanges rules are counted beside driftignore's.
      rules: [...rules, ...(desired.ignoreChanges ?? [])],
      ...(wiring ? { wiring: wiring.verdicts } : {}),
    }),
    planned,
    ...(wiring ? { wiring } : {}),
    desired,
    clients,
  };
}

/**
 * Checks every given stack, grouped by region, and returns one result per stack in input order.
 *
 * @example
 * const results = await driftStacks({ project: 'shop', stacks, clientsFor: (r) => openAwsSession(flags, r).clients });
 * const report = buildDriftReport({ project: 'shop', stacks: results.map((r) => r.drift), ... });
 */
export async function driftStacks(input: DriftStacksInput): Promise<readonly StackDriftResult[]> {
  const byRegion = new Map<string, AwsClients>();
  const clientsOf = (region: string): AwsClients => {
    let clients = byRegion.get(region);
    if (!clients) {
      clients = input.clientsFor(region);
      if (input.shareReads ?? true) shareReads(clients, { project: input.project });
      byRegion.set(region, clients);
    }
    return clients;
  };
  const limit = pLimit(input.concurrency ?? DRIFT_STACK_CONCURRENCY);
  return Promise.all(
    input.stacks.map((s) =>
      limit(async (): Promise<StackDriftResult> => {
        if ('error' in s) return { drift: stackDriftError(input.project, s.stack, s.region, s.error) };
        const clients = clientsOf(s.region);
        try {
          const remembered = input.remembered ? await input.remembered(s.desired, clients) : [];
          const result = await driftOne(s.desired, clients, input.rules, s.edges, remembered);
          return s.resolved ? { ...result, resolved: s.resolved } : result;
        } catch (err) {
          return {
            drift: stackDriftError(input.project, s.stack, s.region, driftErrorMessage(err)),
            desired: s.desired,
            clients,
          };
        }
      }),
    ),
  );
}
