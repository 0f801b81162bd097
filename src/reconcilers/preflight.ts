/**
 * Preflight: everything a pass can know will fail, checked after observing and planning but before the
 * first write, so a foreseeable failure leaves AWS untouched (issue 10, item 4).
 *
 * What it checks (missing config keys are checked even earlier, in `planPass`):
 * - **Route 53 hosted zones**: every record the plan would write needs its zone to exist (and be
 *   unambiguous). stackctl never creates a domain's public zone; without this check a pass created a VPC,
 *   subnets, a load balancer… before the first record failed.
 * - **Quotas** that can be read (preflight-quotas.ts): Elastic IPs for the NAT gateways to create.
 * - **Ownership conflicts**: a planned `conflict` (a resource with our name the stack does not own) stops
 *   the whole pass, not just its dependents: applying the rest would leave the stack half-built around a
 *   hole only the user can fill (rename, delete the foreign resource, or `adopt` it if it is theirs).
 *
 * Not checked here, on purpose: data-safety refusals. They are skips that keep the existing resource and
 * its outputs, so dependents proceed against what exists and nothing is left half-applied.
 *
 * @module
 */
import type { AwsClients } from '../aws/types.js';
import type { Plan, PlanStep } from '../diff/types.js';
import { StackctlError } from '../errors.js';
import { findHostedZone, fqdn } from '../observed/route53-zone.js';
import { elasticIpProblems, type QuotaProblem } from './preflight-quotas.js';

/** Error codes of `findHostedZone` that are a preflight problem rather than a failed read. */
const ZONE_PROBLEM_CODES: ReadonlySet<string> = new Set(['HOSTED_ZONE_NOT_FOUND', 'HOSTED_ZONE_AMBIGUOUS']);

/** Actions that write a resource (and so need everything it refers to). */
const WRITING_ACTIONS: ReadonlySet<string> = new Set(['create', 'update', 'replace']);

/** One thing that would make the pass fail, found before any write; `message` stands on its own. */
export type PreflightProblem =
  | {
      readonly type: 'hosted-zone';
      /** The zone name, with the trailing dot. */
      readonly zone: string;
      /** The records that would be written into it. */
      readonly logicalIds: readonly string[];
      readonly message: string;
    }
  | { readonly type: 'conflict'; readonly logicalId: string; readonly message: string }
  | QuotaProblem;

/**
 * The pass stopped before any write because of {@link PreflightProblem}s; the message lists them all,
 * so one run tells the user everything to fix.
 */
export class PreflightError extends StackctlError {
  readonly problems: readonly PreflightProblem[];

  constructor(stack: string, problems: readonly PreflightProblem[]) {
    super('PREFLIGHT_FAILED', preflightMessage(stack, problems));
    this.name = 'PreflightError';
    this.problems = problems;
  }
}

/** One indented line per problem, as `plan` and {@link PreflightError} print them. */
export function preflightLines(problems: readonly PreflightProblem[]): string {
  return problems.map((p) => `  - ${p.message}`).join('\n');
}

function preflightMessage(stack: string, problems: readonly PreflightProblem[]): string {
  return `stack ${stack} was not reconciled: ${problems.length} problem(s) found before any change; nothing was changed in AWS:\n${preflightLines(problems)}`;
}

/** The planned conflicts, as problems. */
export function conflictProblems(plan: Plan): PreflightProblem[] {
  return plan.steps.flatMap((s) =>
    s.action.type === 'conflict'
      ? [
          {
            type: 'conflict' as const,
            logicalId: s.logicalId,
            message: `${s.logicalId}: ${s.action.reason} (reconcile changes nothing while a conflict remains)`,
          },
        ]
      : [],
  );
}

/** Zone name → records the plan would write into it. */
function zonesToWrite(steps: readonly PlanStep[]): Map<string, string[]> {
  const zones = new Map<string, string[]>();
  for (const step of steps) {
    const a = step.action;
    if (step.kind !== 'route53.Record' || !WRITING_ACTIONS.has(a.type) || !('desired' in a)) continue;
    const zone = a.desired.spec.hostedZoneName;
    if (typeof zone !== 'string' || zone === '') continue;
    const key = fqdn(zone);
    zones.set(key, [...(zones.get(key) ?? []), step.logicalId]);
  }
  return zones;
}

/** The hosted zones the plan writes into that are missing or ambiguous (one ListHostedZonesByName each). */
export async function hostedZoneProblems(
  clients: AwsClients,
  project: string,
  plan: Plan,
): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  for (const [zone, logicalIds] of zonesToWrite(plan.steps)) {
    try {
      await findHostedZone(clients.route53, zone, project);
    } catch (err) {
      if (!(err instanceof StackctlError && ZONE_PROBLEM_CODES.has(err.code))) throw err;
      problems.push({ type: 'hosted-zone', zone, logicalIds, message: err.message });
    }
  }
  return problems;
}

/**
 * Every preflight problem of a planned pass: conflicts first (free, from the plan), then hosted zones
 * and quotas (read live). Empty when the pass may start writing.
 *
 * @example
 * const problems = await preflightProblems({ clients, project, plan });
 * if (problems.length > 0) throw new PreflightError(stack, problems);
 */
export async function preflightProblems(input: {
  readonly clients: AwsClients;
  readonly project: string;
  readonly plan: Plan;
}): Promise<PreflightProblem[]> {
  return [
    ...conflictProblems(input.plan),
    ...(await hostedZoneProblems(input.clients, input.project, input.plan)),
    ...(await elasticIpProblems(input.clients, input.plan)),
  ];
}
