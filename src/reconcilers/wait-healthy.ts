/**
 * `--wait`: after a pass, keep observing until every resource of the stack reports Healthy, or give up.
 *
 * Waiting is a separate, read-only loop so the pass itself never blocks on slow AWS convergence
 * (ECS steady state, RDS availability); it is what a CI job wants before it runs smoke tests.
 *
 * @module
 */
import type { AwsClients } from '../aws/types.js';
import type { DesiredStack, ResourceKind } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import { observeStack } from '../observed/observe-stack.js';
import { OBSERVERS } from '../observed/registry.js';
import type { Observer } from '../observed/types.js';

/** Pause between health checks. */
export const HEALTH_POLL_MS = 5_000;

/** Inputs of {@link waitUntilHealthy}. */
export interface WaitHealthyInput {
  readonly desired: DesiredStack;
  readonly clients: AwsClients;
  readonly timeoutMs: number;
  /** @default HEALTH_POLL_MS */
  readonly pollMs?: number;
  readonly observers?: ReadonlyMap<ResourceKind, Observer>;
  /** Called after each check that is not yet healthy, with the logical ids still waited on. */
  readonly onWaiting?: (waitingOn: readonly string[]) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** The outcome of waiting. */
export interface HealthOutcome {
  readonly healthy: boolean;
  /** `logicalId (health: reason)` for each resource not Healthy at the end. */
  readonly waitingOn: readonly string[];
}

/** Polls until every desired resource is observed, owned and Healthy, or the timeout passes. */
export async function waitUntilHealthy(input: WaitHealthyInput): Promise<HealthOutcome> {
  const now = input.now ?? Date.now;
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + input.timeoutMs;
  const { desired } = input;
  for (;;) {
    const { observed } = await observeStack({
      project: desired.project,
      stack: desired.stack,
      desired: desired.resources,
      clients: input.clients,
      observers: input.observers ?? OBSERVERS,
    });
    const waitingOn: string[] = [];
    for (const d of desired.resources) {
      const o = observed.find(
        (x) =>
          x.logicalId === d.logicalId &&
          x.kind === d.kind &&
          x.duplicateOf === undefined &&
          isOwnedBy(x.tags, desired.project, desired.stack),
      );
      if (!o) waitingOn.push(`${d.logicalId} (Missing)`);
      else if (o.health !== 'Healthy') {
        waitingOn.push(`${d.logicalId} (${o.health}${o.healthReason ? `: ${o.healthReason}` : ''})`);
      }
    }
    if (waitingOn.length === 0) return { healthy: true, waitingOn };
    if (now() >= deadline) return { healthy: false, waitingOn };
    input.onWaiting?.(waitingOn);
    await sleep(input.pollMs ?? HEALTH_POLL_MS);
  }
}
