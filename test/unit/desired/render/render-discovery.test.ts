import { describe, expect, it } from 'vitest';
import type { ComposeService } from '../../../../src/desired/compose-types.js';
import { RenderError, renderStack } from '../../../../src/desired/render/index.js';
import { buildModel } from '../../../../src/desired/render/model.js';
import {
  dnsLabels,
  namespaceName,
  regionalEc2Domain,
} from '../../../../src/desired/render/render-discovery.js';
import type { NetworkConfig } from '../../../../src/desired/stack-types.js';
import { composeService, ingressPort, resolvedStack } from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const ns = 'dev.shop.internal';
const postgres = (name: string, fields: Partial<ComposeService> = {}) =>
  composeService(name, { image: 'postgres:16', postgres: {}, ...fields });
const redis = (name: string) => composeService(name, { image: 'redis:7.2', redis: {} });
const existingVpc = (extra: Partial<NetworkConfig> = {}): NetworkConfig => ({
  vpc: 'vpc-0123abcd',
  publicSubnets: ['subnet-0000000a'],
  privateSubnets: ['subnet-0000000b'],
  ...extra,
});

/** label → [record, CNAME target] of every Cloud Map service, read from the rendered resources. */
function names(services: ComposeService[], network?: NetworkConfig) {
  const desired = renderStack(resolvedStack({ services, ...(network ? { network } : {}) }));
  expectInvariants(desired);
  const out: Record<string, [string, unknown]> = {};
  for (const id of idsOf(desired, 'servicediscovery.Service')) {
    const svc = get(desired, id);
    const label = id.slice('dns/'.length);
    const type = (svc.spec.dnsRecords as { type: string }[])[0]?.type as string;
    const instance = desired.resources.find((r) => r.logicalId === `dns-instance/${label}`);
    out[label] = [
      type,
      (instance?.spec.attributes as Record<string, unknown> | undefined)?.AWS_INSTANCE_CNAME,
    ];
  }
  return { desired, out };
}

describe('service discovery: every name compose resolves is a DNS name of the stack namespace', () => {
  it.each([
    {
      reason: 'a long-running service answers to its own name with A records ECS registers',
      services: [composeService('web', { ports: [ingressPort(80)] })],
      expected: { web: ['A', undefined] },
    },
    {
      reason: 'hostname, container_name and network aliases are CNAMEs to the service name',
      services: [
        composeService('api', {
          hostname: 'backend',
          containerName: 'api-1',
          networkAliases: { backnet: ['rest', 'API-v2'], default: ['svc'] },
        }),
      ],
      expected: {
        api: ['A', undefined],
        backend: ['CNAME', `api.${ns}`],
        'api-1': ['CNAME', `api.${ns}`],
        rest: ['CNAME', `api.${ns}`],
        'api-v2': ['CNAME', `api.${ns}`],
        svc: ['CNAME', `api.${ns}`],
      },
    },
    {
      reason: 'labels are lowercased, and a hostname equal to the own name counts once',
      services: [composeService('Web', { hostname: 'web' })],
      expected: { web: ['A', undefined] },
    },
    {
      reason: 'managed Postgres answers to its name with a CNAME to the RDS address (db:5432 reaches RDS)',
      services: [postgres('db', { hostname: 'postgres' })],
      expected: {
        db: ['CNAME', { $ref: 'db/db', attr: 'address' }],
        postgres: ['CNAME', { $ref: 'db/db', attr: 'address' }],
      },
    },
    {
      reason: 'managed Redis answers with a CNAME to the primary endpoint',
      services: [redis('cache')],
      expected: { cache: ['CNAME', { $ref: 'cache/cache', attr: 'primaryEndpoint' }] },
    },
    {
      reason: 'a one-off task gets no name (nothing long-lived answers there)',
      services: [
        composeService('migrate', { restart: 'no' }),
        composeService('web', {
          dependsOn: { migrate: { condition: 'service_completed_successfully', required: true } },
        }),
      ],
      expected: { web: ['A', undefined] },
    },
  ])('$reason', ({ services, expected }) => {
    expect(names(services).out).toEqual(expected);
  });

  it('wires the ECS service to its A-record service and the data CNAME after the database', () => {
    const { desired } = names([composeService('web', { hostname: 'www' }), postgres('db')]);
    const web = get(desired, 'service/web');
    expect(web.spec.serviceRegistries).toEqual([{ registryArn: { $ref: 'dns/web', attr: 'arn' } }]);
    expect(web.dependsOn).toContain('dns/web');
    expect(get(desired, 'dns/web').spec).toEqual({
      dnsRecords: [{ ttl: 10, type: 'A' }],
      healthCheckCustomConfig: { failureThreshold: 1 },
      name: 'web',
      namespaceId: { $ref: 'namespace', attr: 'id' },
      routingPolicy: 'MULTIVALUE',
    });
    expect(get(desired, 'dns/db').spec.routingPolicy).toBe('WEIGHTED');
    expect(get(desired, 'dns-instance/db').dependsOn).toEqual(['db/db', 'dns/db']);
    expect(get(desired, 'dns-instance/www').spec).toEqual({
      attributes: { AWS_INSTANCE_CNAME: `web.${ns}` },
      instanceId: 'www',
      serviceId: { $ref: 'dns/www', attr: 'id' },
    });
    expect(get(desired, 'namespace').spec).toEqual({ name: ns, vpc: { $ref: 'vpc', attr: 'id' } });
    expect(get(desired, 'namespace').dependsOn).toEqual(['vpc']);
  });

  it.each([
    {
      reason: 'a created VPC gets the DHCP options set (search domain) and DNS support',
      network: undefined,
      dhcp: { vpcId: { $ref: 'vpc', attr: 'id' } },
    },
    {
      reason: 'an existing VPC keeps its DHCP options unless the stack file says manage',
      network: existingVpc(),
      dhcp: undefined,
    },
    {
      reason: 'an existing VPC with dhcpOptions: manage gets the set, on the literal VPC id',
      network: existingVpc({ dhcpOptions: 'manage' }),
      dhcp: { vpcId: 'vpc-0123abcd' },
    },
  ])('$reason', ({ network, dhcp }) => {
    const { desired } = names([composeService('web')], network);
    const set = desired.resources.find((r) => r.logicalId === 'dhcp');
    if (dhcp === undefined) {
      expect(set).toBeUndefined();
      expect(get(desired, 'namespace').spec.vpc).toBe('vpc-0123abcd');
      return;
    }
    expect(set?.spec).toEqual({
      domainName: `${ns} eu-west-1.compute.internal`,
      domainNameServers: ['AmazonProvidedDNS'],
      ...dhcp,
    });
    if (network === undefined) {
      expect(get(desired, 'vpc').spec).toMatchObject({ enableDnsHostnames: true, enableDnsSupport: true });
    }
  });

  it('renders no namespace (nor DHCP options) for a stack with no service to name', () => {
    const desired = renderStack(resolvedStack({ services: [] }));
    expect(
      desired.resources.filter((r) => r.kind.startsWith('servicediscovery.') || r.kind === 'ec2.DhcpOptions'),
    ).toEqual([]);
  });
});

describe('service discovery: names that cannot work are errors naming every claimant', () => {
  it.each([
    {
      reason: 'two services claiming one label (a hostname equal to another service name)',
      services: [composeService('api'), composeService('web', { hostname: 'API' })],
      messages: [
        '"api" is claimed by both service "api" (services.api) and service "web" (services.web.hostname)',
      ],
    },
    {
      reason: 'two aliases, on two services, that are the same name',
      services: [
        composeService('a', { networkAliases: { default: ['shared'] } }),
        composeService('b', { containerName: 'shared' }),
      ],
      messages: [
        '"shared" is claimed by both service "a" (services.a.networks.default.aliases[0]) and service "b"',
      ],
    },
    {
      reason: 'a label that is not a DNS name',
      services: [composeService('web', { hostname: 'bad name!' })],
      messages: ['"bad name!" cannot be a DNS name'],
    },
    {
      reason: "the label of the certificate's validation record",
      services: [composeService('web', { networkAliases: { default: ['validation'] } })],
      messages: ['"validation" is reserved'],
    },
  ])('$reason', ({ services, messages }) => {
    let error: unknown;
    try {
      renderStack(resolvedStack({ services }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RenderError);
    for (const m of messages) expect((error as RenderError).message).toContain(m);
  });
});

describe('naming helpers the check command shares', () => {
  it.each([
    { reason: 'clean stack and project', project: 'shop', stack: 'dev', expected: 'dev.shop.internal' },
    {
      reason: 'names are cleaned like physical names',
      project: 'My_Shop',
      stack: 'PR.42',
      expected: 'pr-42.my-shop.internal',
    },
  ])('namespaceName: $reason', ({ project, stack, expected }) => {
    expect(namespaceName({ project, stack })).toBe(expected);
  });

  it.each([
    { reason: 'us-east-1 has its own legacy domain', region: 'us-east-1', expected: 'ec2.internal' },
    { reason: 'every other region', region: 'eu-west-1', expected: 'eu-west-1.compute.internal' },
  ])('regionalEc2Domain: $reason', ({ region, expected }) => {
    expect(regionalEc2Domain(region)).toBe(expected);
  });

  it('dnsLabels lists every label with its service, source and record type, sorted', () => {
    const model = buildModel(
      resolvedStack({ services: [composeService('web', { containerName: 'front' }), postgres('db')] }),
    );
    expect(dnsLabels(model).map((l) => [l.label, l.service, l.source, l.record])).toEqual([
      ['db', 'db', 'name', 'CNAME'],
      ['front', 'web', 'container_name', 'CNAME'],
      ['web', 'web', 'name', 'A'],
    ]);
  });
});
