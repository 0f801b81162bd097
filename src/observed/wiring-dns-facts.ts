/**
 * The DNS half of `check`'s facts: what makes a compose name resolve inside the VPC — the VPC's DNS
 * attributes, its DHCP options' search domain, the stack's Cloud Map namespace (and the VPCs its private
 * zone answers in), and every name in it with its CNAME targets. Read-only.
 *
 * @module
 */
import {
  DescribeDhcpOptionsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import {
  GetNamespaceCommand,
  type NamespaceSummary,
  paginateListInstances,
  paginateListNamespaces,
  type ServiceSummary,
} from '@aws-sdk/client-servicediscovery';
import type { AwsClients } from '../aws/types.js';
import { INSTANCE_CNAME_ATTRIBUTE } from '../desired/render/render-discovery.js';
import type { ObservedDnsService, ObservedNamespace, WiringFacts } from '../diff/wiring/index.js';
import { mapLimited, unlessNotFound } from './observe-helpers.js';
import { servicesOfNamespace } from './servicediscovery-common.js';
import { PRIVATE_DNS_NAMESPACE } from './servicediscovery-namespace.js';

/** The DHCP option key of the search domain list. */
const DOMAIN_NAME_KEY = 'domain-name';

/** The VPC's options set and its search domain words; undefined when it uses AWS's default. */
export async function readDhcp(clients: AwsClients, vpcId: string | undefined): Promise<WiringFacts['dhcp']> {
  if (!vpcId) return undefined;
  const vpcs = await unlessNotFound(() => clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })));
  const optionsId = vpcs?.Vpcs?.[0]?.DhcpOptionsId;
  if (!optionsId || optionsId === 'default') return undefined;
  const res = await unlessNotFound(() =>
    clients.ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [optionsId] })),
  );
  const config = res?.DhcpOptions?.[0]?.DhcpConfigurations ?? [];
  const domainNames = config
    .filter((c) => c.Key === DOMAIN_NAME_KEY)
    .flatMap((c) => c.Values ?? [])
    .flatMap((v) => (v.Value ?? '').split(/\s+/))
    .filter((w) => w !== '');
  return { id: optionsId, domainNames };
}

/**
 * The VPC's `enableDnsSupport` and `enableDnsHostnames` (a private zone answers only with both on), or
 * undefined when the VPC or its attributes cannot be read.
 */
export async function readVpcDns(
  clients: AwsClients,
  vpcId: string | undefined,
): Promise<WiringFacts['vpcDns']> {
  if (!vpcId) return undefined;
  const attribute = (Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
    unlessNotFound(() => clients.ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute })));
  const [support, hostnames] = await Promise.all([
    attribute('enableDnsSupport'),
    attribute('enableDnsHostnames'),
  ]);
  if (support?.EnableDnsSupport?.Value === undefined || hostnames?.EnableDnsHostnames?.Value === undefined)
    return undefined;
  return { support: support.EnableDnsSupport.Value, hostnames: hostnames.EnableDnsHostnames.Value };
}

/**
 * False when the service's DNS records are known and none is a CNAME: then no instance of it can carry
 * `AWS_INSTANCE_CNAME` (Cloud Map refuses it), and its instances are not worth a ListInstances per service.
 */
function mayHoldCnames(s: ServiceSummary): boolean {
  const records = s.DnsConfig?.DnsRecords;
  return records === undefined || records.length === 0 || records.some((r) => r.Type === 'CNAME');
}

/** The stack's private namespace (by its rendered name), the VPCs it answers in, and its names. */
export async function readNamespace(
  clients: AwsClients,
  name: string,
): Promise<{ namespace?: ObservedNamespace; dnsServices: ObservedDnsService[] }> {
  const sd = clients.servicediscovery;
  let found: NamespaceSummary | undefined;
  for await (const page of paginateListNamespaces({ client: sd }, {})) {
    found = (page.Namespaces ?? []).find((n) => n.Name === name && n.Type === PRIVATE_DNS_NAMESPACE);
    if (found) break;
  }
  if (!found?.Id) return { dnsServices: [] };
  const id = found.Id;
  // ListNamespaces names the hosted zone already; GetNamespace only for a summary that does not.
  const zoneId =
    found.Properties?.DnsProperties?.HostedZoneId ??
    (await unlessNotFound(() => sd.send(new GetNamespaceCommand({ Id: id }))))?.Namespace?.Properties
      ?.DnsProperties?.HostedZoneId;
  const zone = zoneId
    ? await unlessNotFound(() => clients.route53.send(new GetHostedZoneCommand({ Id: zoneId })))
    : undefined;
  const vpcIds = (zone?.VPCs ?? []).flatMap((v) => (v.VPCId ? [v.VPCId] : []));
  const services: { Id: string; Arn: string; Name: string; cnames: boolean }[] = [];
  for (const s of await servicesOfNamespace(sd, id))
    if (s.Id && s.Arn && s.Name)
      services.push({ Id: s.Id, Arn: s.Arn, Name: s.Name, cnames: mayHoldCnames(s) });
  const dnsServices = await mapLimited(services, async (s): Promise<ObservedDnsService> => {
    const instances: { id: string; cname?: string }[] = [];
    // Only CNAME instances are judged: the instances ECS registers in an A-record service are not read.
    if (s.cnames)
      for await (const page of paginateListInstances({ client: sd }, { ServiceId: s.Id })) {
        for (const i of page.Instances ?? []) {
          const cname = i.Attributes?.[INSTANCE_CNAME_ATTRIBUTE];
          instances.push({ id: i.Id ?? '', ...(cname ? { cname } : {}) });
        }
      }
    return { id: s.Id, arn: s.Arn, name: s.Name.toLowerCase(), instances };
  });
  return { namespace: { id, name: found.Name ?? name, vpcIds }, dnsServices };
}
