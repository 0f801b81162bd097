import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComposeDependency, ComposeService } from '../../../../src/desired/compose-types.js';
import { cleanName, renderStack, stableJson } from '../../../../src/desired/render/index.js';
import type { ResolvedStack } from '../../../../src/desired/resolved-types.js';
import { MODES, type NetworkConfig } from '../../../../src/desired/stack-types.js';
import {
  composeService,
  hostPort,
  ingressPort,
  prov,
  resolvedStack,
} from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const ROLES = ['web', 'internal', 'worker', 'postgres', 'redis', 'oneoff'] as const;
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'] as const;
const DOMAIN = 'example.com';

const serviceArb = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,24}[a-z0-9]$/),
  role: fc.constantFrom(...ROLES),
  ports: fc.uniqueArray(fc.constantFrom(80, 3000, 8080, 9000), { minLength: 1, maxLength: 2 }),
  replicas: fc.integer({ min: 0, max: 4 }),
  autoscaling: fc.boolean(),
  withDomainname: fc.boolean(),
  deps: fc.array(fc.record({ index: fc.nat(), condition: fc.constantFrom(...CONDITIONS) }), { maxLength: 3 }),
});

const stackArb = fc.record({
  project: fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/),
  stack: fc.stringMatching(/^[a-z][a-z0-9]{0,30}$/),
  mode: fc.constantFrom(...MODES),
  domain: fc.boolean(),
  network: fc.constantFrom<NetworkConfig>(
    { vpc: 'create' },
    { vpc: 'create', cidr: '172.16.0.0/20' },
    { vpc: 'vpc-0abc', publicSubnets: ['subnet-b', 'subnet-a'], privateSubnets: ['subnet-d', 'subnet-c'] },
  ),
  // Unique after sanitizing, so generated host names `<svc>.<domain>` cannot collide.
  services: fc.uniqueArray(serviceArb, { minLength: 1, maxLength: 7, selector: (s) => cleanName(s.name) }),
});

type Generated = typeof stackArb extends fc.Arbitrary<infer T> ? T : never;

/** Builds a valid ResolvedStack: dependencies only point backwards, at most one database and cache each. */
function build(g: Generated): ResolvedStack {
  const services: ComposeService[] = [];
  const overrides: Record<
    string,
    { replicas: number; autoscaling?: { min: number; max: number; targetCpu: number } }
  > = {};
  // Published ports are distinct across services (docker refuses a port twice); the first web port is 80.
  let published80 = false;
  const publish = (i: number, k: number): number => {
    if (!published80) {
      published80 = true;
      return 80;
    }
    return 20000 + i * 4 + k;
  };
  g.services.forEach((s, i) => {
    const dependsOn: Record<string, ComposeDependency> = {};
    const dataDeps = new Set<string>();
    for (const d of s.deps) {
      if (i === 0) break;
      const target = g.services[d.index % i];
      if (
        target === undefined ||
        ((target.role === 'postgres' || target.role === 'redis') && dataDeps.has(target.role))
      )
        continue;
      if (target.role === 'postgres' || target.role === 'redis') dataDeps.add(target.role);
      dependsOn[target.name] = {
        condition: target.role === 'oneoff' ? 'service_completed_successfully' : d.condition,
        required: true,
      };
    }
    const web = s.role === 'web';
    services.push(
      composeService(s.name, {
        ports: web
          ? s.ports.map((p, k) => ingressPort(p, { published: publish(i, k) }))
          : s.role === 'internal'
            ? s.ports.map((p) => hostPort(p))
            : [],
        dependsOn,
        ...(s.role === 'postgres' ? { postgres: {}, environment: { POSTGRES_PASSWORD: null } } : {}),
        ...(s.role === 'redis' ? { redis: {} } : {}),
        ...(s.role === 'oneoff' ? { restart: 'no' as const, environment: { MIGRATION_TOKEN: null } } : {}),
        ...(web && g.domain && s.withDomainname ? { domainname: `${cleanName(s.name)}.apps.${DOMAIN}` } : {}),
      }),
    );
    overrides[s.name] = {
      replicas: s.replicas,
      ...(s.autoscaling ? { autoscaling: { min: s.replicas, max: s.replicas + 2, targetCpu: 70 } } : {}),
    };
  });
  return resolvedStack({
    project: g.project,
    stack: g.stack,
    mode: g.mode,
    network: g.network,
    services,
    overrides,
    ...(g.domain ? { domain: DOMAIN } : {}),
  });
}

describe('renderStack (property)', () => {
  it('satisfies every invariant and is deterministic for any valid stack', () => {
    fc.assert(
      fc.property(stackArb, (g) => {
        const resolved = build(g);
        const desired = renderStack(resolved);
        expectInvariants(desired);
        expect(stableJson(renderStack(resolved))).toBe(stableJson(desired));
      }),
      { numRuns: 100 },
    );
  });

  it('gives each service exactly the resources its role calls for', () => {
    fc.assert(
      fc.property(stackArb, (g) => {
        const resolved = build(g);
        const desired = renderStack(resolved);
        const ids = new Set(desired.resources.map((r) => r.logicalId));
        for (const svc of Object.values(resolved.services)) {
          const c = svc.compose;
          const managed = c.postgres !== undefined || c.redis !== undefined;
          expect(ids.has(`taskdef/${svc.name}`), svc.name).toBe(!managed);
          expect(ids.has(`db/${svc.name}`)).toBe(c.postgres !== undefined);
          expect(ids.has(`cache/${svc.name}`)).toBe(c.redis !== undefined);
          const awaited = Object.values(resolved.services).some(
            (o) => o.compose.dependsOn[svc.name]?.condition === 'service_completed_successfully',
          );
          const oneOff = !managed && c.restart === 'no' && awaited;
          expect(ids.has(`task/${svc.name}`)).toBe(oneOff);
          expect(ids.has(`service/${svc.name}`)).toBe(!managed && !oneOff);
          if (ids.has(`service/${svc.name}`)) {
            const spec = get(desired, `service/${svc.name}`).spec;
            expect(spec.desiredCount).toBe(svc.autoscaling === undefined ? svc.replicas.value : undefined);
            expect(spec.capacityProviderStrategy).toEqual([
              { capacityProvider: resolved.preset.capacityProvider, weight: 1 },
            ]);
          }
        }
        const hasAlb = idsOf(desired, 'elbv2.TargetGroup').length > 0;
        expect(idsOf(desired, 'elbv2.LoadBalancer')).toEqual(hasAlb ? ['alb'] : []);
        // Every target group is reached: a listener forwards to it by default, or a host rule does.
        const forwards = desired.resources
          .filter((r) => r.kind === 'elbv2.Listener' || r.kind === 'elbv2.ListenerRule')
          .map((r) => (r.spec.defaultAction ?? r.spec.action) as { targetGroupArn?: { $ref: string } })
          .flatMap((a) => (a.targetGroupArn ? [a.targetGroupArn.$ref] : []));
        for (const tg of idsOf(desired, 'elbv2.TargetGroup')) expect(forwards, tg).toContain(tg);
        // HTTPS exactly when the stack has a domain and some service a domainname: then 80 redirects.
        const https = idsOf(desired, 'acm.Certificate').length > 0;
        expect(idsOf(desired, 'elbv2.Listener').includes('listener/https')).toBe(https);
        if (https)
          expect(get(desired, 'listener/http').spec.defaultAction).toMatchObject({ type: 'redirect' });
        expect(desired.requiredSecrets).not.toContain('POSTGRES_PASSWORD');
        expect(idsOf(desired, 'ec2.Vpc')).toEqual('publicSubnets' in g.network ? [] : ['vpc']);
      }),
      { numRuns: 100 },
    );
  });

  it('ignores a domainname in a stack without domain (the resolver warns about it)', () => {
    fc.assert(
      fc.property(stackArb, fc.nat(), (g, pick) => {
        const resolved = build({ ...g, domain: false });
        const names = Object.keys(resolved.services);
        const target = names[pick % names.length] as string;
        const svc = resolved.services[target];
        if (svc === undefined) return;
        const broken: ResolvedStack = {
          ...resolved,
          services: {
            ...resolved.services,
            [target]: { ...svc, domainname: prov(`x.${DOMAIN}`, 'stack-file') },
          },
        };
        expect(stableJson(renderStack(broken))).toBe(stableJson(renderStack(resolved)));
      }),
      { numRuns: 50 },
    );
  });
});
