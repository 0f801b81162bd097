import { describe, expect, it } from 'vitest';
import type { PrivateEdge, PublicEdge, WiringEdge } from '../../../../src/diff/wiring/edges.js';
import type { WiringFacts } from '../../../../src/diff/wiring/facts.js';
import { judgeEdges, verdictReason } from '../../../../src/diff/wiring/judge.js';
import { formatWiringText, wiringReportToJsonValue } from '../../../../src/diff/wiring/report.js';

const NS = 'dev.shop.internal';
const VPC = 'vpc-1';

/** web (front, back) → api:8080 on back; api → db:5432; internet → web:3000 on listener 8080. */
function wired(): WiringFacts {
  return {
    namespaceName: NS,
    vpcId: VPC,
    dhcp: { id: 'dopt-1', domainNames: [NS, 'eu-west-1.compute.internal'] },
    namespace: { id: 'ns-1', name: NS, vpcIds: [VPC] },
    dnsServices: [
      { id: 'srv-api', arn: 'arn:sd:srv-api', name: 'api', instances: [] },
      {
        id: 'srv-backend',
        arn: 'arn:sd:srv-backend',
        name: 'backend',
        instances: [{ id: 'backend', cname: `api.${NS}` }],
      },
      {
        id: 'srv-db',
        arn: 'arn:sd:srv-db',
        name: 'db',
        instances: [{ id: 'db', cname: 'db.abc.rds.amazonaws.com' }],
      },
    ],
    ecsServices: {
      web: {
        name: 'shop-dev-web',
        registryArns: [],
        securityGroupIds: ['sg-web', 'sg-front', 'sg-back'],
        loadBalancers: [{ targetGroupArn: 'arn:tg/web-3000', containerPort: 3000 }],
      },
      api: {
        name: 'shop-dev-api',
        registryArns: ['arn:sd:srv-api'],
        securityGroupIds: ['sg-api', 'sg-back'],
        loadBalancers: [],
      },
    },
    taskGroupIds: { web: ['sg-web', 'sg-front', 'sg-back'], api: ['sg-api', 'sg-back'] },
    databases: {
      db: { id: 'shop-dev-db', endpoint: 'db.abc.rds.amazonaws.com', securityGroupIds: ['sg-db'] },
    },
    caches: {},
    securityGroups: {
      'sg-web': {
        id: 'sg-web',
        name: 'shop-dev-svc-web',
        logicalId: 'sg/svc/web',
        ingress: [{ protocol: 'tcp', fromPort: 3000, toPort: 3000, sourceGroupId: 'sg-alb' }],
      },
      'sg-api': {
        id: 'sg-api',
        name: 'shop-dev-svc-api',
        logicalId: 'sg/svc/api',
        ingress: [{ protocol: 'tcp', fromPort: 8080, toPort: 8080, sourceGroupId: 'sg-back' }],
      },
      'sg-front': { id: 'sg-front', name: 'shop-dev-net-front', logicalId: 'sg/net/front', ingress: [] },
      'sg-back': { id: 'sg-back', name: 'shop-dev-net-back', logicalId: 'sg/net/back', ingress: [] },
      'sg-db': {
        id: 'sg-db',
        name: 'shop-dev-db-db',
        logicalId: 'sg/db/db',
        ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, sourceGroupId: 'sg-back' }],
      },
      'sg-alb': {
        id: 'sg-alb',
        name: 'shop-dev-alb',
        logicalId: 'sg/alb',
        ingress: [{ protocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIp: '0.0.0.0/0' }],
      },
    },
    loadBalancer: {
      arn: 'arn:alb',
      name: 'shop-dev-alb',
      dnsName: 'alb.example',
      securityGroupIds: ['sg-alb'],
    },
    listeners: [
      {
        arn: 'arn:l/8080',
        port: 8080,
        protocol: 'HTTP',
        defaultTargetGroupArns: ['arn:tg/web-3000'],
        rules: [],
      },
    ],
    targetGroups: { 'arn:tg/web-3000': { name: 'shop-dev-web-3000', port: 3000 } },
  };
}

const apiEdge: PrivateEdge = {
  type: 'private',
  caller: 'web',
  callee: 'api',
  calleeRole: 'service',
  label: 'api',
  port: 8080,
  sources: ['environment.API_URL'],
};
const aliasEdge: PrivateEdge = { ...apiEdge, label: 'backend' };
const dbEdge: PrivateEdge = {
  type: 'private',
  caller: 'api',
  callee: 'db',
  calleeRole: 'postgres',
  label: 'db',
  port: 5432,
  sources: ['environment.DATABASE_URL'],
};
const publicEdge: PublicEdge = { type: 'public', callee: 'web', listenerPort: 8080, port: 3000 };

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('fixture value missing');
  return value;
}

type Change = (f: WiringFacts) => WiringFacts;
const withGroup =
  (id: string, ingress: WiringFacts['securityGroups'][string]['ingress']): Change =>
  (f) => ({
    ...f,
    securityGroups: { ...f.securityGroups, [id]: { ...must(f.securityGroups[id]), ingress } },
  });

describe('judgeEdges: verdict per edge from observed facts', () => {
  it.each<{
    edge: WiringEdge;
    change?: Change;
    ok: boolean;
    check: 'resolves' | 'admitted' | 'routed';
    reason: string;
    why: string;
  }>([
    {
      edge: apiEdge,
      ok: true,
      check: 'resolves',
      reason: `api.${NS} → srv-api`,
      why: 'ECS service registered, search domain set',
    },
    {
      edge: apiEdge,
      ok: true,
      check: 'admitted',
      reason: 'sg-api (shop-dev-svc-api) admits tcp/8080 from web',
      why: 'network group admitted',
    },
    {
      edge: aliasEdge,
      ok: true,
      check: 'resolves',
      reason: `backend.${NS}`,
      why: 'an alias CNAME to the callee name',
    },
    {
      edge: dbEdge,
      ok: true,
      check: 'resolves',
      reason: `db.${NS}`,
      why: 'CNAME to the observed RDS address',
    },
    { edge: dbEdge, ok: true, check: 'admitted', reason: 'sg-db', why: 'db group admits api network' },
    {
      edge: publicEdge,
      ok: true,
      check: 'routed',
      reason: 'listener 8080 → shop-dev-web-3000 → shop-dev-web',
      why: 'public entry routed',
    },
    {
      edge: publicEdge,
      ok: true,
      check: 'admitted',
      reason: 'sg-web (shop-dev-svc-web) admits tcp/3000',
      why: 'ALB and service groups admit',
    },
    {
      edge: apiEdge,
      change: withGroup('sg-api', []),
      ok: false,
      check: 'admitted',
      reason:
        'sg-api (shop-dev-svc-api) has no rule for tcp/8080 from sg/svc/web or sg/net/front or sg/net/back',
      why: 'the rule admitting web was revoked',
    },
    {
      edge: apiEdge,
      change: withGroup('sg-api', [
        { protocol: 'tcp', fromPort: 9000, toPort: 9000, sourceGroupId: 'sg-back' },
      ]),
      ok: false,
      check: 'admitted',
      reason: 'no rule for tcp/8080',
      why: 'a rule on another port does not cover',
    },
    {
      edge: apiEdge,
      change: withGroup('sg-api', [
        { protocol: 'tcp', fromPort: 0, toPort: 65535, sourceGroupId: 'sg-back' },
      ]),
      ok: true,
      check: 'admitted',
      reason: 'admits tcp/8080',
      why: 'an all-TCP rule covers the port',
    },
    {
      edge: apiEdge,
      change: withGroup('sg-api', [{ protocol: '-1', fromPort: -1, toPort: -1, cidrIp: '0.0.0.0/0' }]),
      ok: true,
      check: 'admitted',
      reason: 'admits tcp/8080',
      why: 'everything from anywhere covers it',
    },
    {
      edge: { ...apiEdge, port: 'all' },
      change: withGroup('sg-api', [
        { protocol: 'tcp', fromPort: 8080, toPort: 8080, sourceGroupId: 'sg-back' },
      ]),
      ok: false,
      check: 'admitted',
      reason: 'no rule for tcp/all',
      why: 'an edge needing every port is not covered by one port',
    },
    {
      edge: apiEdge,
      change: (f) => ({ ...f, namespace: undefined }) as unknown as WiringFacts,
      ok: false,
      check: 'resolves',
      reason: `private namespace ${NS} not found in Cloud Map`,
      why: 'no namespace',
    },
    {
      edge: apiEdge,
      change: (f) => ({ ...f, namespace: { id: 'ns-1', name: NS, vpcIds: ['vpc-other'] } }),
      ok: false,
      check: 'resolves',
      reason: `namespace ${NS} (ns-1) is not associated with the stack VPC ${VPC}`,
      why: 'namespace on another VPC',
    },
    {
      edge: apiEdge,
      change: (f) => ({ ...f, namespace: { id: 'ns-1', name: NS, vpcIds: [] } }),
      ok: true,
      check: 'resolves',
      reason: 'srv-api',
      why: 'a zone listing no VPC (moto) is not judged broken',
    },
    {
      edge: dbEdge,
      change: (f) => ({ ...f, dnsServices: f.dnsServices.filter((s) => s.name !== 'db') }),
      ok: false,
      check: 'resolves',
      reason: `no Cloud Map service "db" in namespace ${NS} (ns-1)`,
      why: 'the Cloud Map service of db was deleted',
    },
    {
      edge: dbEdge,
      change: (f) => ({
        ...f,
        dnsServices: f.dnsServices.map((s) => (s.name === 'db' ? { ...s, instances: [] } : s)),
      }),
      ok: false,
      check: 'resolves',
      reason: 'srv-db) has no CNAME instance to db.abc.rds.amazonaws.com',
      why: 'the CNAME instance of db was deregistered',
    },
    {
      edge: aliasEdge,
      change: (f) => ({
        ...f,
        dnsServices: f.dnsServices.map((s) =>
          s.name === 'backend' ? { ...s, instances: [{ id: 'b', cname: 'web.x' }] } : s,
        ),
      }),
      ok: false,
      check: 'resolves',
      reason: `has no CNAME instance to api.${NS}`,
      why: 'an alias pointing elsewhere',
    },
    {
      edge: apiEdge,
      change: (f) => ({
        ...f,
        ecsServices: { ...f.ecsServices, api: { ...must(f.ecsServices.api), registryArns: [] } },
      }),
      ok: false,
      check: 'resolves',
      reason: 'ECS service shop-dev-api does not register in Cloud Map service api (srv-api)',
      why: 'the ECS service lost its service registry',
    },
    {
      edge: apiEdge,
      change: (f) => ({ ...f, dhcp: { id: 'dopt-2', domainNames: ['eu-west-1.compute.internal'] } }),
      ok: false,
      check: 'resolves',
      reason: `short name needs the search domain ${NS} in the VPC's DHCP options (dopt-2)`,
      why: 'DHCP options without the namespace',
    },
    {
      edge: apiEdge,
      change: (f) => ({ ...f, vpcDns: { support: true, hostnames: false } }),
      ok: false,
      check: 'resolves',
      reason: `VPC ${VPC} has enableDnsSupport=true, enableDnsHostnames=false`,
      why: 'a VPC without DNS hostnames: its private zones do not answer',
    },
    {
      edge: apiEdge,
      change: (f) => ({ ...f, vpcDns: { support: true, hostnames: true } }),
      ok: true,
      check: 'resolves',
      reason: `api.${NS} → srv-api`,
      why: 'both DNS attributes on',
    },
    {
      edge: { ...apiEdge, calleeRole: 'one-off' },
      ok: false,
      check: 'resolves',
      reason: 'one-off task api registers no DNS name',
      why: 'one-off tasks have no name',
    },
    {
      edge: publicEdge,
      change: (f) => ({ ...f, listeners: [] }),
      ok: false,
      check: 'routed',
      reason: 'no listener on port 8080 of shop-dev-alb',
      why: 'the listener was deleted',
    },
    {
      edge: publicEdge,
      change: (f) => ({ ...f, targetGroups: { 'arn:tg/web-3000': { name: 'shop-dev-web-80', port: 80 } } }),
      ok: false,
      check: 'routed',
      reason: 'forwards to shop-dev-web-80, not to port 3000',
      why: 'target group on the wrong port',
    },
    {
      edge: publicEdge,
      change: (f) => ({
        ...f,
        ecsServices: { ...f.ecsServices, web: { ...must(f.ecsServices.web), loadBalancers: [] } },
      }),
      ok: false,
      check: 'routed',
      reason: 'ECS service shop-dev-web does not register target group shop-dev-web-3000 on port 3000',
      why: 'service not registered with the target group',
    },
    {
      edge: publicEdge,
      change: withGroup('sg-alb', []),
      ok: false,
      check: 'admitted',
      reason: 'sg-alb (shop-dev-alb) has no rule for tcp/8080 from 0.0.0.0/0',
      why: 'ALB group closed',
    },
    {
      edge: publicEdge,
      change: withGroup('sg-web', [
        { protocol: 'tcp', fromPort: 3000, toPort: 3000, sourceGroupId: 'sg-back' },
      ]),
      ok: false,
      check: 'admitted',
      reason: 'has no rule for tcp/3000 from sg/alb',
      why: 'service group does not admit the ALB',
    },
    {
      edge: { type: 'public', callee: 'web', listenerPort: 443, port: 3000, host: 'shop.example.com' },
      change: (f) => ({
        ...f,
        securityGroups: {
          ...f.securityGroups,
          'sg-alb': {
            ...must(f.securityGroups['sg-alb']),
            ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' }],
          },
        },
        listeners: [
          {
            arn: 'arn:l/443',
            port: 443,
            protocol: 'HTTPS',
            defaultTargetGroupArns: [],
            rules: [{ hosts: ['shop.example.com'], targetGroupArns: ['arn:tg/web-3000'] }],
          },
        ],
      }),
      ok: true,
      check: 'routed',
      reason: 'listener 443 host rule shop.example.com → shop-dev-web-3000',
      why: 'a domain host rule',
    },
  ])('$why', ({ edge, change, ok, check, reason }) => {
    const facts = change ? change(wired()) : wired();
    const [verdict] = judgeEdges([edge], facts);
    expect(verdict?.[check]?.ok).toBe(ok);
    expect(verdict?.[check]?.reason).toContain(reason);
    expect(verdict?.ok).toBe(ok);
    if (!ok) expect(verdictReason(must(verdict))).toContain(reason);
  });
});

describe('the check report', () => {
  it('is typed JSON with a schema version, and a table naming the broken edge', () => {
    const facts = withGroup('sg-api', [])(wired());
    const report = {
      project: 'shop',
      stack: 'dev',
      region: 'eu-west-1',
      verdicts: judgeEdges([apiEdge, dbEdge, publicEdge, { ...dbEdge, port: 'all' as const }], facts),
    };
    const json = wiringReportToJsonValue(report) as {
      schemaVersion: number;
      ok: boolean;
      summary: { edges: number; wired: number; broken: number };
      edges: {
        name: string;
        port: number | null;
        ok: boolean;
        resolves: boolean | null;
        routed: boolean | null;
      }[];
    };
    expect(json.schemaVersion).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.summary).toEqual({ edges: 4, wired: 2, broken: 2 });
    expect(json.edges.map((e) => [e.name, e.port, e.ok, e.resolves, e.routed])).toEqual([
      ['web → api:8080', 8080, false, true, null],
      ['api → db:5432', 5432, true, true, null],
      ['internet → web:3000 (listener 8080)', 3000, true, null, true],
      ['api → db:all', null, false, true, null],
    ]);
    const text = formatWiringText(report);
    expect(text).toContain('web → api:8080');
    expect(text).toMatch(/web → api:8080\s+private\s+✓\s+✗\s+-\s+sg-api \(shop-dev-svc-api\) has no rule/);
    expect(text).toContain('2 of 4 edges broken.');
  });
});
