/**
 * `check` for one stack: the edges the app relies on (from the resolved stack), judged against the
 * stack as observed in AWS. Read-only. Shared by `stackctl check`, `status` (Healthy only when the
 * wiring holds) and `drift` (a broken edge is drift).
 *
 * @module
 */
import type { AwsClients } from '../aws/types.js';
import { namespaceName } from '../desired/render/render-discovery.js';
import type { DesiredStack } from '../desired/resource-types.js';
import { judgeEdges, type WiringEdge, type WiringReport } from '../diff/wiring/index.js';
import { observeStack } from '../observed/observe-stack.js';
import { OBSERVERS } from '../observed/registry.js';
import { readWiringFacts } from '../observed/wiring-facts.js';

/** Inputs of {@link checkWiring}. */
export interface CheckWiringInput {
  readonly desired: DesiredStack;
  /** `wiringEdges(resolved)`. */
  readonly edges: readonly WiringEdge[];
  readonly clients: AwsClients;
  /** Outputs of an observe pass already made (drift, status); observed here when absent. */
  readonly outputs?: ReadonlyMap<string, Readonly<Record<string, string | number>>>;
}

/** Judges every edge of the stack against AWS as it is now. */
export async function checkWiring(input: CheckWiringInput): Promise<WiringReport> {
  const { desired, clients } = input;
  const outputs =
    input.outputs ??
    (
      await observeStack({
        project: desired.project,
        stack: desired.stack,
        desired: desired.resources,
        clients,
        observers: OBSERVERS,
      })
    ).outputs;
  const facts = await readWiringFacts({
    clients,
    desired,
    outputs,
    namespaceName: namespaceName({ project: desired.project, stack: desired.stack }),
  });
  return {
    project: desired.project,
    stack: desired.stack,
    region: desired.region,
    verdicts: judgeEdges(input.edges, facts),
  };
}
