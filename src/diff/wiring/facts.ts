/**
 * What `check` needs to know about a live stack, as plain data: read by `observed/wiring-facts.ts`,
 * judged by `judge.ts`. Keeping the reads and the verdicts apart lets every verdict be tested with a
 * fixture, without AWS.
 *
 * @module
 */

/** One ingress permission, one source per entry (as `DescribeSecurityGroups` flattens to). */
export interface ObservedIngressRule {
  /** `tcp`, `udp`, or `-1` (every protocol, every port). */
  readonly protocol: string;
  /** -1 with protocol `-1`. */
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIp?: string;
  readonly sourceGroupId?: string;
}

/** A security group as AWS has it. */
export interface ObservedGroup {
  readonly id: string;
  readonly name: string;
  /** From the `stackctl:logical-id` tag: `sg/net/backnet`, `sg/svc/api`. */
  readonly logicalId?: string;
  readonly ingress: readonly ObservedIngressRule[];
}

/** The stack's private Cloud Map namespace. */
export interface ObservedNamespace {
  readonly id: string;
  readonly name: string;
  /** VPCs the namespace's private hosted zone is associated with (empty on moto, which records none). */
  readonly vpcIds: readonly string[];
}

/** A Cloud Map service of the namespace, with its registered instances. */
export interface ObservedDnsService {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly instances: readonly { readonly id: string; readonly cname?: string }[];
}

/** What an ECS service is wired to. */
export interface ObservedEcsService {
  readonly name: string;
  readonly registryArns: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly loadBalancers: readonly { readonly targetGroupArn: string; readonly containerPort: number }[];
}

/** A managed database or cache: its endpoint and its groups. */
export interface ObservedDataStore {
  /** DB instance identifier / replication group id. */
  readonly id: string;
  /** RDS address / ElastiCache primary endpoint, once AWS has one. */
  readonly endpoint?: string;
  readonly securityGroupIds: readonly string[];
}

/** A listener and where it forwards. */
export interface ObservedListener {
  readonly arn: string;
  readonly port: number;
  readonly protocol: string;
  /** Target groups of the default action's forward. */
  readonly defaultTargetGroupArns: readonly string[];
  readonly rules: readonly {
    readonly hosts: readonly string[];
    readonly targetGroupArns: readonly string[];
  }[];
}

/** The live facts of one stack's wiring. Absent objects were not found. */
export interface WiringFacts {
  /** The namespace name the stack should have (from the render). */
  readonly namespaceName: string;
  readonly vpcId?: string;
  /**
   * The VPC's `enableDnsSupport` and `enableDnsHostnames`: a private hosted zone (the namespace) answers
   * only when both are on. Absent when they could not be read.
   */
  readonly vpcDns?: { readonly support: boolean; readonly hostnames: boolean };
  /** The VPC's DHCP options set, and its `domain-name` words; absent when the VPC has none. */
  readonly dhcp?: { readonly id: string; readonly domainNames: readonly string[] };
  readonly namespace?: ObservedNamespace;
  /** The namespace's services (empty without a namespace). */
  readonly dnsServices: readonly ObservedDnsService[];
  /** Long-running ECS services, by compose service name. */
  readonly ecsServices: Readonly<Record<string, ObservedEcsService>>;
  /** The groups a service's tasks carry (ECS services as observed, one-off tasks as rendered). */
  readonly taskGroupIds: Readonly<Record<string, readonly string[]>>;
  /** Managed Postgres, by compose service name. */
  readonly databases: Readonly<Record<string, ObservedDataStore>>;
  /** Managed Redis, by compose service name. */
  readonly caches: Readonly<Record<string, ObservedDataStore>>;
  /** Every group named above, by id. */
  readonly securityGroups: Readonly<Record<string, ObservedGroup>>;
  readonly loadBalancer?: {
    readonly arn: string;
    readonly name: string;
    readonly dnsName: string;
    readonly securityGroupIds: readonly string[];
  };
  readonly listeners: readonly ObservedListener[];
  /** Target groups by ARN: their port. */
  readonly targetGroups: Readonly<Record<string, { readonly name: string; readonly port: number }>>;
}
