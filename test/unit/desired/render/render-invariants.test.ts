import { describe, expect, it } from 'vitest';
import type { ComposeService } from '../../../../src/desired/compose-types.js';
import { renderStack, stableJson } from '../../../../src/desired/render/index.js';
import type { Mode } from '../../../../src/desired/stack-types.js';
import {
  composeService,
  ingressPort,
  resolvedStack,
  typicalServices,
} from '../../../helpers/resolved-fixture.js';
import { expectInvariants, refTargets } from './invariants.js';

const full = (): ComposeService[] => [
  ...typicalServices().map((s) =>
    s.name === 'api'
      ? {
          ...s,
          dependsOn: {
            db: { condition: 'service_healthy' as const, required: true },
            cache: { condition: 'service_started' as const, required: true },
            migrate: { condition: 'service_completed_successfully' as const, required: true },
          },
          autoscaling: { max: 8 },
        }
      : s,
  ),
  composeService('db', { postgres: {} }),
  composeService('cache', { redis: {} }),
  composeService('migrate', {
    restart: 'no',
    dependsOn: { db: { condition: 'service_healthy', required: true } },
  }),
];

const LONG = 'averyveryverylongprojectnamethatkeepsgoing';

const cases: { reason: string; mode: Mode; project?: string; stack?: string; domain?: string }[] = [
  { reason: 'affordable, no domain', mode: 'affordable' },
  { reason: 'balanced with a domain', mode: 'balanced', domain: 'example.com' },
  { reason: 'high_availability with a domain', mode: 'high_availability', domain: 'example.com' },
  {
    reason: 'very long project and stack names',
    mode: 'high_availability',
    project: LONG,
    stack: `${LONG}-stack`,
  },
  { reason: 'names that need sanitizing', mode: 'balanced', project: 'My_Shop', stack: '9-Prod' },
];

describe('render invariants', () => {
  it.each(cases)('$reason', ({ mode, project, stack, domain }) => {
    const resolved = resolvedStack({
      mode,
      services: full(),
      ...(project === undefined ? {} : { project }),
      ...(stack === undefined ? {} : { stack }),
      ...(domain === undefined ? {} : { domain }),
    });
    const desired = renderStack(resolved);
    expectInvariants(desired);
    // Byte-identical on a second render.
    expect(stableJson(renderStack(resolved))).toBe(stableJson(desired));
    expect(JSON.stringify(renderStack(resolved))).toBe(JSON.stringify(desired));
  });

  it('every ref in a spec is also a dependency of that resource', () => {
    const desired = renderStack(
      resolvedStack({ mode: 'high_availability', domain: 'example.com', services: full() }),
    );
    let refs = 0;
    for (const r of desired.resources) {
      for (const target of refTargets(r)) {
        refs += 1;
        expect(r.dependsOn, `${r.logicalId} → ${target}`).toContain(target);
      }
    }
    expect(refs).toBeGreaterThan(50);
  });

  it('does not depend on the order of services in the compose file', () => {
    const forward = renderStack(resolvedStack({ services: full(), domain: 'example.com' }));
    const backward = renderStack(resolvedStack({ services: [...full()].reverse(), domain: 'example.com' }));
    expect(stableJson(backward)).toBe(stableJson(forward));
  });

  it.each([
    { reason: 'two stacks of one project', a: { stack: 'dev' }, b: { stack: 'prod' } },
    { reason: 'two projects with the same stack name', a: { project: 'shop' }, b: { project: 'shop2' } },
    {
      reason: 'two stacks whose long names truncate alike',
      a: { project: LONG, stack: `${LONG}-a` },
      b: { project: LONG, stack: `${LONG}-b` },
    },
  ])('$reason share no physical name', ({ a, b }) => {
    const render = (o: { project?: string; stack?: string }) =>
      renderStack(resolvedStack({ mode: 'balanced', services: full(), ...o }));
    const left = render(a);
    const right = render(b);
    // ECS service names are scoped by their cluster; the clusters differ, which is what keeps them apart.
    const key = (d: ReturnType<typeof render>, r: (typeof d.resources)[number]) =>
      r.kind === 'ecs.Service'
        ? `${d.resources.find((c) => c.kind === 'ecs.Cluster')?.name}/${r.name}`
        : r.name;
    const leftNames = new Set(left.resources.map((r) => key(left, r)));
    const shared = right.resources.map((r) => key(right, r)).filter((n) => leftNames.has(n));
    expect(shared).toEqual([]);
  });

  it('gives every published port its own listener and target group, and no rule', () => {
    const desired = renderStack(
      resolvedStack({
        services: [composeService('app', { ports: [ingressPort(80), ingressPort(81), ingressPort(82)] })],
      }),
    );
    expectInvariants(desired);
    const ids = (kind: string) => desired.resources.filter((r) => r.kind === kind).map((r) => r.logicalId);
    expect(ids('elbv2.Listener')).toEqual(['listener/http', 'listener/http-81', 'listener/http-82']);
    expect(ids('elbv2.TargetGroup')).toEqual(['tg/app-80', 'tg/app-81', 'tg/app-82']);
    expect(ids('elbv2.ListenerRule')).toEqual([]);
  });
});
