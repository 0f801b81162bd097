/**
 * Invariants every rendered stack must satisfy, shared by the example-based and property tests.
 *
 * @module
 */
import { expect } from 'vitest';
import { collectRefs, NAME_LIMITS, stableJson, validateGraph } from '../../../../src/desired/render/index.js';
import {
  type DesiredResource,
  type DesiredStack,
  RESOURCE_OUTPUTS,
  type ResourceKind,
  TAG_KEYS,
} from '../../../../src/desired/resource-types.js';

/** Kinds whose physical names AWS requires to be unique (per account+region, VPC or cluster). */
export const UNIQUE_NAME_KINDS: readonly ResourceKind[] = [
  'ec2.SecurityGroup',
  'logs.LogGroup',
  'iam.Role',
  'ecs.Cluster',
  'ecs.TaskDefinition',
  'ecs.Service',
  'ecs.OneOffTask',
  'elbv2.LoadBalancer',
  'elbv2.TargetGroup',
  'rds.DBSubnetGroup',
  'rds.DBInstance',
  'elasticache.SubnetGroup',
  'elasticache.ReplicationGroup',
  'ssm.Parameter',
  'route53.Record',
  'autoscaling.ScalableTarget',
];

/** Kinds whose names follow the RDS/ElastiCache/ELB rules: `[a-z0-9-]`, letter first, no `--`, no `-` last. */
const STRICT_NAME_KINDS: readonly ResourceKind[] = [
  'elbv2.LoadBalancer',
  'elbv2.TargetGroup',
  'rds.DBInstance',
  'elasticache.ReplicationGroup',
];

/** Every ref of `r`'s spec, as `$ref` targets. */
export function refTargets(r: DesiredResource): string[] {
  return collectRefs(r.spec).map((x) => x.$ref);
}

/** Every invariant violation of a rendered stack (empty when it honours the renderer's contract). */
export function invariantViolations(desired: DesiredStack): string[] {
  const out: string[] = [];
  const fail = (condition: boolean, message: string) => {
    if (!condition) out.push(message);
  };
  const ids = desired.resources.map((r) => r.logicalId);
  fail(ids.join('\n') === [...ids].sort().join('\n'), 'resources are not sorted by logical id');
  fail(new Set(ids).size === ids.length, 'logical ids are not unique');
  try {
    validateGraph(desired.resources);
  } catch (e) {
    out.push(`validateGraph: ${(e as Error).message}`);
  }
  const byId = new Map(desired.resources.map((r) => [r.logicalId, r]));
  for (const r of desired.resources) {
    const at = `${r.logicalId} (${r.kind} "${r.name}")`;
    fail(
      r.name.length > 0 && r.name.length <= NAME_LIMITS[r.kind],
      `${at}: name length outside 1..${NAME_LIMITS[r.kind]}`,
    );
    if (STRICT_NAME_KINDS.includes(r.kind)) {
      fail(/^[a-z][a-z0-9-]*[a-z0-9]$/.test(r.name) && !/--|^internal-/.test(r.name), `${at}: invalid name`);
    }
    if (r.kind === 'ec2.SecurityGroup') fail(!r.name.startsWith('sg-'), `${at}: group name starts with sg-`);
    const json = JSON.stringify(r.spec);
    fail(stableJson(r.spec) === json, `${at}: spec is not canonical`);
    fail(
      !/"undefined"|:undefined/.test(json) && stableJson(JSON.parse(json)) === json,
      `${at}: spec has undefined`,
    );
    fail(
      r.dependsOn.join(',') === [...new Set(r.dependsOn)].sort().join(','),
      `${at}: dependsOn not sorted/unique`,
    );
    for (const ref of collectRefs(r.spec)) {
      fail(r.dependsOn.includes(ref.$ref), `${at}: refers to ${ref.$ref} without depending on it`);
      const target = byId.get(ref.$ref);
      if (target === undefined) {
        out.push(`${at}: ref to unknown ${ref.$ref}`);
        continue;
      }
      const outputs = RESOURCE_OUTPUTS[target.kind];
      fail(outputs.includes(ref.attr), `${at}: ${target.kind} has no output "${ref.attr}"`);
    }
    fail(
      r.tags[TAG_KEYS.project] === desired.project &&
        r.tags[TAG_KEYS.stack] === desired.stack &&
        r.tags[TAG_KEYS.logicalId] === r.logicalId &&
        r.tags[TAG_KEYS.managedBy] === 'stackctl',
      `${at}: ownership tags missing`,
    );
  }
  for (const kind of UNIQUE_NAME_KINDS) {
    const names = desired.resources.filter((r) => r.kind === kind).map((r) => r.name);
    fail(new Set(names).size === names.length, `${kind} names are not unique: ${names.join(', ')}`);
  }
  const secrets = desired.requiredSecrets;
  fail(secrets.join(',') === [...new Set(secrets)].sort().join(','), 'requiredSecrets not sorted/unique');
  return out;
}

/** Asserts every invariant of a rendered stack (see the renderer's contract). */
export function expectInvariants(desired: DesiredStack): void {
  expect(invariantViolations(desired)).toEqual([]);
}

/** The resource with `logicalId`, failing the test when it is missing. */
export function get(desired: DesiredStack, logicalId: string): DesiredResource {
  const found = desired.resources.find((r) => r.logicalId === logicalId);
  if (found === undefined)
    throw new Error(`no resource ${logicalId} in ${desired.resources.map((r) => r.logicalId).join(', ')}`);
  return found;
}

/** Logical ids of resources of `kind`. */
export function idsOf(desired: DesiredStack, kind: ResourceKind): string[] {
  return desired.resources.filter((r) => r.kind === kind).map((r) => r.logicalId);
}
