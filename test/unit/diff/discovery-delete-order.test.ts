import { describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../../src/desired/resource-types.js';
import { mustDeleteBefore } from '../../../src/diff/kind-order.js';

describe('delete order of the service discovery kinds (removed resources have no dependsOn left)', () => {
  it.each<{ reason: string; first: ResourceKind; after: ResourceKind }>([
    {
      reason: 'an ECS service before its Cloud Map service (ECS deregisters its task IPs)',
      first: 'ecs.Service',
      after: 'servicediscovery.Service',
    },
    {
      reason: 'instances before their service (DeleteService fails while instances are registered)',
      first: 'servicediscovery.Instance',
      after: 'servicediscovery.Service',
    },
    {
      reason: 'services before the namespace (DeleteNamespace fails while services exist)',
      first: 'servicediscovery.Service',
      after: 'servicediscovery.Namespace',
    },
    {
      reason: 'data CNAME instances before the database they point at',
      first: 'servicediscovery.Instance',
      after: 'rds.DBInstance',
    },
    { reason: 'the namespace before the VPC', first: 'servicediscovery.Namespace', after: 'ec2.Vpc' },
    {
      reason: 'the DHCP options set (given back to the previous set) before the VPC',
      first: 'ec2.DhcpOptions',
      after: 'ec2.Vpc',
    },
  ])('$reason', ({ first, after }) => {
    expect(mustDeleteBefore(first, after)).toBe(true);
    expect(mustDeleteBefore(after, first)).toBe(false);
  });
});
