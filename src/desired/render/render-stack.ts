/**
 * `renderStack`: a resolved stack in, every AWS resource it should have out. Pure and deterministic:
 * the same input gives byte-identical output, which is what lets a pass with nothing to do make no
 * mutating call, and lets CI render without credentials.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import type { DesiredResource, DesiredStack } from '../resource-types.js';
import { awsLimitProblems } from './aws-limits.js';
import { compareStrings } from './canonical.js';
import type { RenderContext } from './context.js';
import { dataBindings } from './data-env.js';
import { locate, RenderError } from './errors.js';
import { validateGraph } from './graph.js';
import { buildModel, type StackModel } from './model.js';
import { renderAlb } from './render-alb.js';
import { renderAutoscaling } from './render-autoscaling.js';
import { composedConfigKeys, renderComposedParameters } from './render-composed.js';
import { generatedPasswordKey, renderData } from './render-data.js';
import { discoveryProblems, renderDiscovery } from './render-discovery.js';
import { renderDns } from './render-dns.js';
import { renderEcs } from './render-ecs.js';
import { renderRoles } from './render-iam.js';
import { renderLogGroups } from './render-logs.js';
import { networkRefs, renderNetwork } from './render-network.js';
import { renderSecurityGroups } from './render-security-groups.js';
import { renderTaskDefinitions } from './render-task-definition.js';
import { computeRouting } from './routing.js';
import { validateStack } from './validate.js';

/**
 * Renders `resolved` into its desired resources, sorted by logical id, each spec canonical.
 *
 * @throws RenderError (`RENDER_INVALID`) listing every problem of the input with its location, or
 * every AWS size limit the rendered resources exceed (aws-limits.ts).
 * @example
 * const desired = renderStack(resolveStack(compose, stackFile, cli));
 * desired.resources.map((r) => r.logicalId); // ['alb', 'cluster', 'igw', …]
 */
export function renderStack(resolved: ResolvedStack): DesiredStack {
  const model = buildModel(resolved);
  const routing = computeRouting(model, resolved.domain?.value.toLowerCase());
  const problems = [
    ...validateStack(resolved, model),
    ...routing.problems,
    ...discoveryProblems(resolved, model),
  ].map((p) => (p.location === undefined ? { ...p, location: locate(resolved, p.field) } : p));
  if (problems.length > 0) throw new RenderError(problems);

  const ctx: RenderContext = { resolved, model, routing, network: networkRefs(resolved, model) };
  const resources: DesiredResource[] = [
    ...renderNetwork(resolved, model),
    ...renderSecurityGroups(ctx),
    ...renderLogGroups(resolved, model),
    ...(model.ecs.length > 0 ? renderRoles(model) : []),
    ...renderTaskDefinitions(ctx),
    ...renderEcs(ctx),
    ...renderAlb(ctx),
    ...renderDns(ctx),
    ...renderDiscovery(ctx),
    ...renderData(ctx),
    ...renderComposedParameters(ctx),
    ...renderAutoscaling(model),
  ].sort((a, b) => compareStrings(a.logicalId, b.logicalId));
  const tooLarge = awsLimitProblems(resolved, resources);
  if (tooLarge.length > 0) throw new RenderError(tooLarge);
  validateGraph(resources);

  return {
    project: model.project,
    stack: model.stack,
    region: model.region,
    mode: resolved.mode.value,
    resources,
    requiredSecrets: requiredSecrets(model),
    ...(resolved.ignoreChanges ? { ignoreChanges: resolved.ignoreChanges } : {}),
  };
}

/**
 * The SSM keys the user must have set before anything is applied: every ECS service's secret keys and
 * the config keys its composed values read, minus those stackctl generates itself (managed database
 * passwords).
 */
function requiredSecrets(model: StackModel): string[] {
  const generated = new Set(model.postgres.map((s) => generatedPasswordKey(s.name)));
  // Config keys composed values read are required too: a missing one fails before any mutation.
  const keys = new Set<string>(composedConfigKeys(model).filter((k) => !generated.has(k)));
  for (const svc of model.ecs) {
    const injected = dataBindings(model, svc).secrets;
    for (const key of svc.resolved.secretKeys) {
      if (injected[key] === undefined && !generated.has(key)) keys.add(key);
    }
  }
  return [...keys].sort(compareStrings);
}
