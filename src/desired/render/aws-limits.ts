/**
 * AWS size limits a rendered stack must fit, checked at render time (so `validate`, `plan` and every
 * other command refuse a stack AWS would refuse halfway through a reconcile), with one named constant and
 * its AWS documentation reference per limit.
 *
 * Only hard, documented limits whose default cannot be raised without a quota request are checked; each
 * problem names the compose service (or the stack-wide resource) and what to change.
 *
 * Environment variables have no limit of their own in ECS (neither a count nor a size per container):
 * they count toward the task definition's 64 KiB, so the task-definition problem says how much of the
 * size they take.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import { type DesiredResource, isRef, type Spec, type SpecValue } from '../resource-types.js';
import { locate, type RenderProblem, serviceProblem } from './errors.js';
import { collectRefs } from './graph.js';

const KIB = 1024;

/**
 * Largest task definition, 64 KiB of JSON (RegisterTaskDefinition refuses a bigger one; not adjustable).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html ("Task definition size")
 */
export const MAX_TASK_DEFINITION_BYTES = 64 * KIB;

/**
 * Inbound rules per security group, 60 (each port range × source is one rule; adjustable, but the
 * product with security groups per ENI may not exceed 1,000).
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export const MAX_SECURITY_GROUP_INBOUND_RULES = 60;

/**
 * Listeners per Application Load Balancer, 50 (one per published port).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_LISTENERS_PER_ALB = 50;

/**
 * Target groups per Application Load Balancer, 100 (one per routed service port).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_TARGET_GROUPS_PER_ALB = 100;

/**
 * Listener rules per Application Load Balancer, not counting default rules, 100; so at most 100 on any
 * one listener too.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_RULES_PER_ALB = 100;

/**
 * Condition values per listener rule, 5 (a host rule lists one value per host name of the service).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const MAX_CONDITION_VALUES_PER_RULE = 5;

/**
 * Longest DNS name, 253 characters in text form (RFC 1035 §2.3.4: 255 octets on the wire): a Cloud Map
 * namespace (CreatePrivateDnsNamespace caps `Name` at 253) and each service's `<label>.<namespace>`.
 * Labels themselves are already at most 63 characters (render-discovery.ts), under Cloud Map's 127 for
 * a service name.
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html
 */
export const MAX_DNS_NAME = 253;

/**
 * What a Ref stands for when sizing a task definition: an IAM role ARN with the longest role name (64),
 * the longest value a task definition's refs (execution and task role) resolve to.
 */
const SIZED_REF_VALUE = `arn:aws:iam::123456789012:role/${'x'.repeat(64)}`;

/** Bytes of `value` as JSON (UTF-8), as AWS counts a request body. */
function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function withRefsSized(value: SpecValue): unknown {
  if (isRef(value)) return SIZED_REF_VALUE;
  if (Array.isArray(value)) return value.map(withRefsSized);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefsSized(v as SpecValue)]));
  }
  return value;
}

/**
 * The RegisterTaskDefinition request body a task definition resource becomes: the spec (whose fields are
 * the API's), refs replaced by the longest value they can resolve to, cpu and memory as strings, and the
 * tags as ECS sends them.
 */
export function taskDefinitionRequest(r: DesiredResource): Record<string, unknown> {
  const spec = withRefsSized(r.spec as SpecValue) as Record<string, unknown>;
  return {
    ...spec,
    ...(spec.cpu === undefined ? {} : { cpu: String(spec.cpu) }),
    ...(spec.memory === undefined ? {} : { memory: String(spec.memory) }),
    tags: Object.entries(r.tags).map(([key, value]) => ({ key, value })),
  };
}

/** Bytes one ref becomes in the sized request: {@link SIZED_REF_VALUE} as a JSON string. */
const SIZED_REF_BYTES = jsonBytes(SIZED_REF_VALUE);

/**
 * Size in bytes of a task definition as sent to AWS (see {@link taskDefinitionRequest}).
 *
 * Computed without copying the spec: the request with its refs left in place is serialized once, and
 * each ref's own JSON is swapped for the sized value's, which gives the same count as serializing
 * {@link taskDefinitionRequest} (every render checks every task definition, so this runs per stack).
 */
export function taskDefinitionBytes(r: DesiredResource): number {
  const { cpu, memory } = r.spec;
  if (isRef(cpu) || isRef(memory)) return jsonBytes(taskDefinitionRequest(r));
  const request = {
    ...r.spec,
    ...(cpu === undefined ? {} : { cpu: String(cpu) }),
    ...(memory === undefined ? {} : { memory: String(memory) }),
    tags: Object.entries(r.tags).map(([key, value]) => ({ key, value })),
  };
  let bytes = jsonBytes(request);
  for (const found of collectRefs(r.spec)) bytes += SIZED_REF_BYTES - jsonBytes(found);
  return bytes;
}

/** Human size: bytes below 1 KiB, else KiB or MiB with one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} bytes`;
  if (bytes < KIB * KIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  return `${(bytes / KIB / KIB).toFixed(1)} MiB`;
}

/** The compose service a resource was rendered for, from its logical id (`taskdef/web`, `sg/svc/web`). */
function serviceOf(logicalId: string): string | undefined {
  const m = /^(?:taskdef|sg\/svc|sg\/db|sg\/cache)\/(.+)$/.exec(logicalId);
  return m?.[1];
}

function listOf(spec: Spec, key: string): readonly SpecValue[] {
  const v = spec[key];
  return Array.isArray(v) ? v : [];
}

function environmentSummary(r: DesiredResource): string {
  let count = 0;
  let bytes = 0;
  for (const c of listOf(r.spec, 'containerDefinitions')) {
    if (c === null || typeof c !== 'object' || Array.isArray(c) || isRef(c)) continue;
    const env = listOf(c as Spec, 'environment');
    count += env.length;
    bytes += jsonBytes(env);
  }
  return `its environment holds ${count} variable(s), ${formatBytes(bytes)}`;
}

/** Every problem of one kind of check, given a way to place a problem about a service or the stack. */
type Place = (service: string | undefined, field: string, message: string) => RenderProblem;

function taskDefinitionProblems(resources: readonly DesiredResource[], place: Place): RenderProblem[] {
  return resources.flatMap((r) => {
    if (r.kind !== 'ecs.TaskDefinition') return [];
    const bytes = taskDefinitionBytes(r);
    if (bytes <= MAX_TASK_DEFINITION_BYTES) return [];
    const svc = serviceOf(r.logicalId);
    return [
      place(
        svc,
        'environment',
        `service "${svc}": its task definition would be ${formatBytes(bytes)} (${bytes} bytes) of JSON, and AWS accepts at most ${formatBytes(MAX_TASK_DEFINITION_BYTES)} (${MAX_TASK_DEFINITION_BYTES} bytes); ${environmentSummary(r)}. Keep large values out of the environment: store them as config keys (\`stackctl config set\`, injected as secrets) or in the image`,
      ),
    ];
  });
}

function securityGroupProblems(resources: readonly DesiredResource[], place: Place): RenderProblem[] {
  return resources.flatMap((r) => {
    if (r.kind !== 'ec2.SecurityGroup') return [];
    const rules = listOf(r.spec, 'ingress').length;
    if (rules <= MAX_SECURITY_GROUP_INBOUND_RULES) return [];
    const svc = serviceOf(r.logicalId);
    const what = svc === undefined ? `security group ${r.logicalId}` : `service "${svc}": its security group`;
    const fix =
      svc === undefined
        ? 'publish fewer ports'
        : 'list fewer ports under `ports`/`expose` (a range like "8000-8100" is one rule) or put the service on fewer networks (each network adds one rule per port)';
    return [
      place(
        svc,
        svc === undefined ? 'ports' : 'expose',
        `${what} needs ${rules} inbound rules, and AWS allows ${MAX_SECURITY_GROUP_INBOUND_RULES} per security group; ${fix}`,
      ),
    ];
  });
}

function loadBalancerProblems(resources: readonly DesiredResource[], place: Place): RenderProblem[] {
  const count = (kind: DesiredResource['kind']) => resources.filter((r) => r.kind === kind).length;
  const problems: RenderProblem[] = [];
  const caps = [
    ['elbv2.Listener', MAX_LISTENERS_PER_ALB, 'listeners (one per published port)'],
    ['elbv2.TargetGroup', MAX_TARGET_GROUPS_PER_ALB, 'target groups (one per routed service port)'],
    ['elbv2.ListenerRule', MAX_RULES_PER_ALB, 'listener rules (one per HTTPS service port)'],
  ] as const;
  for (const [kind, max, what] of caps) {
    const n = count(kind);
    if (n > max)
      problems.push(
        place(
          undefined,
          'ports',
          `the stack's load balancer needs ${n} ${what}, and AWS allows ${max} per Application Load Balancer; publish fewer ports`,
        ),
      );
  }
  for (const r of resources) {
    if (r.kind !== 'elbv2.ListenerRule') continue;
    const values = listOf(r.spec, 'conditions').reduce<number>((sum, c) => {
      if (c === null || typeof c !== 'object' || Array.isArray(c) || isRef(c)) return sum;
      return sum + listOf(c as Spec, 'values').length;
    }, 0);
    if (values > MAX_CONDITION_VALUES_PER_RULE)
      problems.push(
        place(
          undefined,
          'domainname',
          `listener rule ${r.logicalId} needs ${values} condition values (host names), and AWS allows ${MAX_CONDITION_VALUES_PER_RULE} per rule`,
        ),
      );
  }
  return problems;
}

function cloudMapProblems(resources: readonly DesiredResource[], place: Place): RenderProblem[] {
  const tooLong = (r: DesiredResource) => r.name.length > MAX_DNS_NAME;
  const namespace = resources.find((r) => r.kind === 'servicediscovery.Namespace' && tooLong(r));
  if (namespace !== undefined)
    return [
      place(
        undefined,
        'name',
        `the stack's Cloud Map namespace "${namespace.name}" is ${namespace.name.length} characters, and a DNS name has at most ${MAX_DNS_NAME}; shorten the project name (compose \`name:\`)`,
      ),
    ];
  return resources
    .filter((r) => r.kind === 'servicediscovery.Service' && tooLong(r))
    .map((r) =>
      place(
        undefined,
        'hostname',
        `DNS name "${r.name}" is ${r.name.length} characters, and a DNS name has at most ${MAX_DNS_NAME}; shorten the name or the project name (compose \`name:\`)`,
      ),
    );
}

/**
 * Every AWS size limit the rendered `resources` exceed (see the module doc), located in the user's
 * files: a service's problem at that service, a stack-wide one at the compose file.
 *
 * @example awsLimitProblems(resolved, resources) // [] for any stack AWS would accept
 */
export function awsLimitProblems(
  resolved: ResolvedStack,
  resources: readonly DesiredResource[],
): RenderProblem[] {
  const place: Place = (service, field, message) =>
    service !== undefined && resolved.services[service] !== undefined
      ? serviceProblem(resolved, service, field, message)
      : { message, field: 'services', location: locate(resolved, 'services') };
  return [
    ...taskDefinitionProblems(resources, place),
    ...securityGroupProblems(resources, place),
    ...loadBalancerProblems(resources, place),
    ...cloudMapProblems(resources, place),
  ];
}
