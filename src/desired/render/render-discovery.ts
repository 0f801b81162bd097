/**
 * Service discovery: the names compose services call each other by (`postgres://db:5432`,
 * `http://api:8080`) made to resolve inside the VPC.
 *
 * - One Cloud Map private DNS namespace per stack, `<stack>.<project>.internal`, in the stack's VPC.
 * - Every long-running ECS service answers to its own name with A records (MULTIVALUE, registered by
 *   ECS itself through the service's `serviceRegistries`).
 * - Its `hostname`, `container_name` and network `aliases` are CNAMEs to `<svc>.<namespace>`.
 * - A managed data service (Postgres / Redis) answers to its name (and its own hostname / aliases) with
 *   a CNAME to the RDS address / ElastiCache primary endpoint, so `db:5432` written for compose reaches
 *   RDS unchanged.
 * - A DHCP options set puts the namespace in the VPC's DNS search domain: that is what makes the short
 *   name `db` resolve, not only `db.<namespace>`. Rendered for a created VPC; for an existing one only
 *   with `network: { dhcpOptions: manage }` (the VPC's options are otherwise not ours to change).
 *
 * One-off tasks get no name: nothing long-lived answers at it.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { compareStrings } from './canonical.js';
import { type RenderContext, resource } from './context.js';
import { type RenderProblem, serviceProblem } from './errors.js';
import type { ServiceModel, StackModel } from './model.js';
import { cleanName } from './naming.js';
import { cacheId } from './render-data.js';

/** Logical id of the stack's Cloud Map namespace. */
export const NAMESPACE_ID = 'namespace';
/** Logical id of the stack's DHCP options set. */
export const DHCP_OPTIONS_ID = 'dhcp';
/** TTL of every discovery record: short, so a replaced task or a failed-over database is found quickly. */
export const DISCOVERY_TTL_SECONDS = 10;
/** Failures before Cloud Map marks an ECS-registered instance unhealthy (ECS reports task health). */
export const CUSTOM_HEALTH_FAILURE_THRESHOLD = 1;
/** The resolver of every VPC, as DHCP options spell it. */
export const AMAZON_PROVIDED_DNS = 'AmazonProvidedDNS';
/** Cloud Map's attribute naming a CNAME instance's target. */
export const INSTANCE_CNAME_ATTRIBUTE = 'AWS_INSTANCE_CNAME';
/** The logical id the certificate's DNS validation record takes (render-dns.ts): no label may be it. */
const RESERVED_LABELS: ReadonlySet<string> = new Set(['validation']);
/** A DNS name of labels (letters, digits, `_`, `-`), at most 63 characters in all (a Cloud Map service name). */
const LABEL_PATTERN =
  /^(?=.{1,63}$)[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;

/** Where a DNS label comes from. */
export type DnsLabelSource = 'name' | 'hostname' | 'container_name' | 'alias';

/**
 * One name the stack answers to. `record` is `A` for a long-running ECS service's own name (ECS registers
 * the task IPs), `CNAME` for everything else, pointing at `target`.
 */
export type DnsLabel =
  | {
      readonly label: string;
      readonly service: string;
      readonly source: 'name';
      readonly field: string;
      readonly record: 'A';
    }
  | {
      readonly label: string;
      readonly service: string;
      readonly source: DnsLabelSource;
      readonly field: string;
      readonly record: 'CNAME';
      /** A literal name (`web.<namespace>`) or a ref to the data endpoint. */
      readonly target: SpecValue;
      /** The resource the target comes from (RDS instance, replication group), when not the namespace. */
      readonly targetDependsOn?: string;
    };

/**
 * The stack's namespace: `<clean(stack)>.<clean(project)>.internal`. Exported for `stackctl check`,
 * which resolves names the way the tasks will.
 *
 * @example namespaceName({ project: 'shop', stack: 'prod' }) // 'prod.shop.internal'
 */
export function namespaceName(model: Pick<StackModel, 'project' | 'stack'>): string {
  return `${cleanName(model.stack)}.${cleanName(model.project)}.internal`;
}

/** The region's own EC2 DNS domain, which the DHCP options keep in the search list (EC2 host names). */
export function regionalEc2Domain(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

/** Logical id of the Cloud Map service answering to `label`. */
export function discoveryServiceId(label: string): string {
  return `dns/${label}`;
}

/** Logical id of the CNAME instance of `label`. */
export function discoveryInstanceId(label: string): string {
  return `dns-instance/${label}`;
}

/** True when `label` can be a Cloud Map service name (a DNS name of at most 63 characters). */
export function isDnsName(label: string): boolean {
  return LABEL_PATTERN.test(label);
}

/** A name as a DNS label: lowercase (DNS is case-insensitive; Cloud Map service names are not). */
export function toLabel(name: string): string {
  return name.toLowerCase();
}

/**
 * The service's own name as a label. A compose service name that is no DNS name (`a..b`, `a-`; compose
 * allows them) gets no name in the namespace rather than failing the render: nothing could resolve it
 * under compose's own DNS either. Names the user adds (`hostname`, `container_name`, `aliases`) are
 * checked instead, by {@link discoveryProblems}.
 */
function ownLabel(svc: ServiceModel): DnsLabel | undefined {
  const label = toLabel(svc.name);
  if (!isDnsName(label)) return undefined;
  const field = `services.${svc.name}`;
  if (svc.role === 'service') return { label, service: svc.name, source: 'name', field, record: 'A' };
  const data = dataTarget(svc);
  if (data === undefined) return undefined;
  return { label, service: svc.name, source: 'name', field, record: 'CNAME', ...data };
}

function dataTarget(svc: ServiceModel): { target: SpecValue; targetDependsOn: string } | undefined {
  if (svc.role === 'postgres')
    return { target: ref(`db/${svc.name}`, 'address'), targetDependsOn: `db/${svc.name}` };
  if (svc.role === 'redis') {
    const id = cacheId(svc.name);
    return { target: ref(id, 'primaryEndpoint'), targetDependsOn: id };
  }
  return undefined;
}

/** The extra names of `svc` (`hostname`, `container_name`, network aliases) with their field paths. */
function extraNames(svc: ServiceModel): { name: string; source: DnsLabelSource; field: string }[] {
  const c = svc.resolved.compose;
  const base = `services.${svc.name}`;
  const out: { name: string; source: DnsLabelSource; field: string }[] = [];
  if (c.hostname !== undefined) out.push({ name: c.hostname, source: 'hostname', field: `${base}.hostname` });
  if (c.containerName !== undefined) {
    out.push({ name: c.containerName, source: 'container_name', field: `${base}.container_name` });
  }
  for (const network of Object.keys(c.networkAliases ?? {}).sort(compareStrings)) {
    (c.networkAliases?.[network] ?? []).forEach((alias, i) => {
      out.push({ name: alias, source: 'alias', field: `${base}.networks.${network}.aliases[${i}]` });
    });
  }
  return out;
}

/**
 * Every name `svc` answers to, its own first; empty for one-off tasks. Duplicates within the service
 * (a hostname equal to its own name) count once. Labels are not validated here: see
 * {@link discoveryProblems}.
 */
export function serviceDnsLabels(model: StackModel, svc: ServiceModel): DnsLabel[] {
  const own = ownLabel(svc);
  if (own === undefined) return [];
  const ns = namespaceName(model);
  const seen = new Set([own.label]);
  const out: DnsLabel[] = [own];
  for (const extra of extraNames(svc)) {
    const label = toLabel(extra.name);
    if (seen.has(label)) continue;
    seen.add(label);
    const target =
      own.record === 'A'
        ? { target: `${own.label}.${ns}` }
        : { target: own.target, ...(own.targetDependsOn ? { targetDependsOn: own.targetDependsOn } : {}) };
    out.push({
      label,
      service: svc.name,
      source: extra.source,
      field: extra.field,
      record: 'CNAME',
      ...target,
    });
  }
  return out;
}

/**
 * Every name the stack answers to, sorted by label. Where two services claim one label, the first
 * service (by name) keeps it; {@link discoveryProblems} reports the collision.
 */
export function dnsLabels(model: StackModel): DnsLabel[] {
  const byLabel = new Map<string, DnsLabel>();
  for (const svc of model.services) {
    for (const l of serviceDnsLabels(model, svc)) if (!byLabel.has(l.label)) byLabel.set(l.label, l);
  }
  return [...byLabel.values()].sort((a, b) => compareStrings(a.label, b.label));
}

/** Labels that are not DNS names, are reserved, or are claimed by two services: each names where it is. */
export function discoveryProblems(resolved: ResolvedStack, model: StackModel): RenderProblem[] {
  const problems: RenderProblem[] = [];
  const owner = new Map<string, DnsLabel>();
  for (const svc of model.services) {
    for (const l of serviceDnsLabels(model, svc)) {
      const at = (message: string) =>
        problems.push(
          serviceProblem(resolved, svc.name, l.field.slice(`services.${svc.name}.`.length), message),
        );
      if (!isDnsName(l.label)) {
        at(
          `"${l.label}" cannot be a DNS name in the stack's namespace (letters, digits, "-" and "_" in ` +
            'dot-separated labels, at most 63 characters)',
        );
        continue;
      }
      if (RESERVED_LABELS.has(l.label)) {
        at(`"${l.label}" is reserved by stackctl (certificate validation records); rename it`);
        continue;
      }
      const first = owner.get(l.label);
      if (first === undefined) owner.set(l.label, l);
      else {
        at(
          `DNS name "${l.label}" is claimed by both service "${first.service}" (${first.field}) and ` +
            `service "${l.service}" (${l.field}); each name may point at one service only`,
        );
      }
    }
  }
  return problems;
}

/** True when the stack's DHCP options set is rendered: a created VPC, or an existing one with `manage`. */
export function managesDhcpOptions(resolved: ResolvedStack): boolean {
  const network = resolved.network.value;
  return !('publicSubnets' in network) || network.dhcpOptions === 'manage';
}

/** The label of a long-running ECS service's own A-record name, or undefined for other services. */
export function registryLabel(svc: ServiceModel): string | undefined {
  return ownLabel(svc)?.record === 'A' ? toLabel(svc.name) : undefined;
}

/**
 * The physical name of a label's Cloud Map service and instance: the fully qualified name it answers to,
 * `<label>.<namespace>` (unique per stack, where the label alone is not).
 */
export function qualifiedName(model: Pick<StackModel, 'project' | 'stack'>, label: string): string {
  return `${label}.${namespaceName(model)}`;
}

/** Namespace, Cloud Map services and instances, and the DHCP options set; nothing for a stack with no names. */
export function renderDiscovery(ctx: RenderContext): DesiredResource[] {
  const { model, network, resolved } = ctx;
  const labels = dnsLabels(model);
  if (labels.length === 0) return [];
  const ns = namespaceName(model);
  const namespaceId = ref(NAMESPACE_ID, 'id');
  const out: DesiredResource[] = [
    resource(model, {
      kind: 'servicediscovery.Namespace',
      logicalId: NAMESPACE_ID,
      name: ns,
      spec: { name: ns, vpc: network.vpcId },
      dependsOn: network.vpcDependsOn,
    }),
  ];
  for (const l of labels) {
    const serviceId = discoveryServiceId(l.label);
    out.push(
      resource(model, {
        kind: 'servicediscovery.Service',
        logicalId: serviceId,
        name: qualifiedName(model, l.label),
        spec:
          l.record === 'A'
            ? {
                name: l.label,
                namespaceId,
                dnsRecords: [{ type: 'A', ttl: DISCOVERY_TTL_SECONDS }],
                routingPolicy: 'MULTIVALUE',
                healthCheckCustomConfig: { failureThreshold: CUSTOM_HEALTH_FAILURE_THRESHOLD },
              }
            : {
                name: l.label,
                namespaceId,
                dnsRecords: [{ type: 'CNAME', ttl: DISCOVERY_TTL_SECONDS }],
                // Cloud Map takes CNAME records with WEIGHTED routing only.
                routingPolicy: 'WEIGHTED',
              },
        dependsOn: [NAMESPACE_ID],
      }),
    );
    if (l.record === 'CNAME') {
      out.push(
        resource(model, {
          kind: 'servicediscovery.Instance',
          logicalId: discoveryInstanceId(l.label),
          name: qualifiedName(model, l.label),
          spec: {
            serviceId: ref(serviceId, 'id'),
            instanceId: l.label,
            attributes: { [INSTANCE_CNAME_ATTRIBUTE]: l.target },
          },
          dependsOn: [serviceId, ...(l.targetDependsOn ? [l.targetDependsOn] : [])],
        }),
      );
    }
  }
  if (managesDhcpOptions(resolved)) {
    out.push(
      resource(model, {
        kind: 'ec2.DhcpOptions',
        logicalId: DHCP_OPTIONS_ID,
        name: model.base,
        spec: {
          domainName: `${ns} ${regionalEc2Domain(model.region)}`,
          domainNameServers: [AMAZON_PROVIDED_DNS],
          vpcId: network.vpcId,
        },
        dependsOn: network.vpcDependsOn,
      }),
    );
  }
  return out;
}
