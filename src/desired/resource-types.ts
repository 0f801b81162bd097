/**
 * The resource model shared by desired/, observed/, diff/ and reconcilers/.
 *
 * A `DesiredResource` is a plain value: a kind, a stable logical id, a deterministic physical name, the
 * fields stackctl owns (`spec`), ownership tags and dependency edges. Values that only exist once another
 * resource exists (a VPC id, an ALB ARN) are written as {@link Ref}s and resolved by the engine at apply
 * time; that is what keeps rendering pure.
 *
 * @module
 */
import type { IgnoreRule } from '../diff/drift/ignore-rules.js';

/** Every kind stackctl renders. One module per kind in desired/, observed/ and reconcilers/. */
export const RESOURCE_KINDS = [
  'ec2.Vpc',
  'ec2.InternetGateway',
  'ec2.Subnet',
  'ec2.RouteTable',
  'ec2.NatGateway',
  'ec2.SecurityGroup',
  'logs.LogGroup',
  'iam.Role',
  'ecs.Cluster',
  'ecs.TaskDefinition',
  'ecs.Service',
  'ecs.OneOffTask',
  'elbv2.LoadBalancer',
  'elbv2.TargetGroup',
  'elbv2.Listener',
  'elbv2.ListenerRule',
  'acm.Certificate',
  'route53.Record',
  'rds.DBSubnetGroup',
  'rds.DBInstance',
  'elasticache.SubnetGroup',
  'elasticache.ReplicationGroup',
  'ssm.Parameter',
  'autoscaling.ScalableTarget',
  'autoscaling.ScalingPolicy',
  'ec2.DhcpOptions',
  'servicediscovery.Namespace',
  'servicediscovery.Service',
  'servicediscovery.Instance',
] as const;

/** A resource kind. */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Kinds whose replacement or deletion loses data; guarded by `--allow-data-loss`. */
export const STATEFUL_KINDS: ReadonlySet<ResourceKind> = new Set([
  'rds.DBInstance',
  'elasticache.ReplicationGroup',
]);

/**
 * A value known only once another resource exists: attribute `attr` of resource `$ref` (a logical id).
 *
 * Attributes each kind exposes are listed in {@link RESOURCE_OUTPUTS}.
 */
export interface Ref {
  readonly $ref: string;
  readonly attr: string;
}

/** JSON-like spec values, where any leaf may be a {@link Ref}. */
export type SpecValue =
  | string
  | number
  | boolean
  | null
  | Ref
  | readonly SpecValue[]
  | { readonly [key: string]: SpecValue };

/** The owned fields of a resource, normalized (sorted keys, no `undefined`). */
export type Spec = { readonly [key: string]: SpecValue };

/** Ownership tag keys. A resource without the project+stack pair is never modified or deleted. */
export const TAG_KEYS = {
  project: 'stackctl:project',
  stack: 'stackctl:stack',
  logicalId: 'stackctl:logical-id',
  managedBy: 'stackctl:managed-by',
} as const;

/** The value of `stackctl:managed-by`. */
export const MANAGED_BY = 'stackctl';

/** One resource as stackctl wants it to be. */
export interface DesiredResource {
  readonly kind: ResourceKind;
  /** Stable within the stack, e.g. `service/web`, `tg/web-80`, `db/postgres`. */
  readonly logicalId: string;
  /** Deterministic physical name, fitting the kind's AWS limit. */
  readonly name: string;
  readonly spec: Spec;
  readonly tags: Readonly<Record<string, string>>;
  /** Logical ids that must exist (and be ready) before this one is created. */
  readonly dependsOn: readonly string[];
}

/** The rendered stack: everything one pass needs to know about what should exist. */
export interface DesiredStack {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly mode: string;
  /** Sorted by logical id, so output is byte-stable. */
  readonly resources: readonly DesiredResource[];
  /** SSM keys the stack needs (`/stackctl/<project>/<stack>/<KEY>`): checked before any mutation. */
  readonly requiredSecrets: readonly string[];
  /**
   * Fields the stack lets others own (the stack file's `ignoreChanges:`): plan, reconcile and the
   * operator keep their live values and list them (diff/ignore-changes.ts). @default none
   */
  readonly ignoreChanges?: readonly IgnoreRule[];
}

/**
 * Names an ACM certificate holds beside its domain, at most: ACM's default quota is 10 domain names per
 * certificate.
 */
export const CERTIFICATE_MAX_SANS = 9;

/**
 * The output attributes of the DNS validation record of a certificate's `index`-th name: 0 is its
 * domain, i ≥ 1 the i-th of its subject alternative names in code-unit order. Every name has a record
 * of its own (ACM issues the certificate only once all of them resolve).
 */
export function validationRecordAttrs(index: number): { readonly name: string; readonly value: string } {
  const suffix = index === 0 ? '' : String(index);
  return { name: `validationRecordName${suffix}`, value: `validationRecordValue${suffix}` };
}

/** Attributes each kind exposes to {@link Ref}s once it exists. */
export const RESOURCE_OUTPUTS: Readonly<Record<ResourceKind, readonly string[]>> = {
  'ec2.Vpc': ['id'],
  'ec2.InternetGateway': ['id'],
  'ec2.Subnet': ['id'],
  'ec2.RouteTable': ['id'],
  'ec2.NatGateway': ['id'],
  'ec2.SecurityGroup': ['id'],
  'logs.LogGroup': ['arn', 'name'],
  'iam.Role': ['arn'],
  'ecs.Cluster': ['arn', 'name'],
  'ecs.TaskDefinition': ['arn'],
  'ecs.Service': ['arn'],
  'ecs.OneOffTask': ['arn'],
  'elbv2.LoadBalancer': ['arn', 'dnsName', 'canonicalHostedZoneId'],
  'elbv2.TargetGroup': ['arn'],
  'elbv2.Listener': ['arn'],
  'elbv2.ListenerRule': ['arn'],
  'acm.Certificate': [
    'arn',
    ...Array.from({ length: CERTIFICATE_MAX_SANS + 1 }, (_, i) => {
      const attrs = validationRecordAttrs(i);
      return [attrs.name, attrs.value];
    }).flat(),
  ],
  'route53.Record': ['fqdn'],
  'rds.DBSubnetGroup': ['name'],
  'rds.DBInstance': ['address', 'port', 'arn'],
  'elasticache.SubnetGroup': ['name'],
  'elasticache.ReplicationGroup': ['primaryEndpoint', 'port', 'url'],
  'ssm.Parameter': ['arn', 'name', 'version'],
  'autoscaling.ScalableTarget': ['resourceId'],
  'autoscaling.ScalingPolicy': ['arn'],
  'ec2.DhcpOptions': ['id'],
  'servicediscovery.Namespace': ['id', 'arn', 'name', 'hostedZoneId'],
  'servicediscovery.Service': ['id', 'arn', 'name'],
  'servicediscovery.Instance': ['id'],
};

/** True when `v` is a {@link Ref}. */
export function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && '$ref' in v && 'attr' in v;
}

/** Builds a {@link Ref}; the one way render code should write one. */
export function ref(logicalId: string, attr: string): Ref {
  return { $ref: logicalId, attr };
}
