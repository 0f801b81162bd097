/**
 * Inventory of service discovery: DHCP options sets, Cloud Map namespaces, services and the instances
 * registered in them. Instances carry no tags of their own: one is attributed to the logical id its
 * parent service's tag implies (`dns/<label>` → `dns-instance/<label>`), so a second instance in one
 * service shows as a duplicate and one in a foreign service as an orphan.
 *
 * @module
 */
import { DescribeDhcpOptionsCommand } from '@aws-sdk/client-ec2';
import {
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import type { AwsClients } from '../../../src/aws/types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';
import { type FoundResource, tagsOf } from './inventory-types.js';

const SERVICE_PREFIX = 'dns/';
const INSTANCE_PREFIX = 'dns-instance/';

/** Every DHCP options set, namespace, Cloud Map service and registered instance. */
export async function listDiscovery(clients: AwsClients): Promise<readonly FoundResource[]> {
  const { ec2, servicediscovery: sd } = clients;
  const found: FoundResource[] = [];
  for (const d of (await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions ?? []) {
    found.push({ kind: 'ec2.DhcpOptions', id: d.DhcpOptionsId ?? '', tags: tagsOf(d.Tags) });
  }
  const tagsOfArn = async (arn: string | undefined) =>
    tagsOf((await sd.send(new ListTagsForResourceCommand({ ResourceARN: arn ?? '' }))).Tags);
  for (const ns of (await sd.send(new ListNamespacesCommand({}))).Namespaces ?? []) {
    found.push({ kind: 'servicediscovery.Namespace', id: ns.Id ?? '', tags: await tagsOfArn(ns.Arn) });
  }
  for (const svc of (await sd.send(new ListServicesCommand({}))).Services ?? []) {
    const tags = await tagsOfArn(svc.Arn);
    found.push({ kind: 'servicediscovery.Service', id: svc.Id ?? '', tags });
    const parent = tags[TAG_KEYS.logicalId];
    const instanceTags: Record<string, string> =
      parent?.startsWith(SERVICE_PREFIX) === true
        ? { [TAG_KEYS.logicalId]: `${INSTANCE_PREFIX}${parent.slice(SERVICE_PREFIX.length)}` }
        : {};
    for (const i of (await sd.send(new ListInstancesCommand({ ServiceId: svc.Id ?? '' }))).Instances ?? []) {
      found.push({ kind: 'servicediscovery.Instance', id: `${svc.Id}/${i.Id}`, tags: instanceTags });
    }
  }
  return found;
}
