import { describe, expect, it } from 'vitest';
import { ref } from '../../../../src/desired/resource-types.js';
import {
  buildDriftReport,
  buildStackDrift,
  driftExitCode,
  parseDriftIgnore,
  type StackDrift,
  stackDriftError,
} from '../../../../src/diff/drift/index.js';
import { planStack } from '../../../../src/diff/index.js';
import type { ObservedResource } from '../../../../src/observed/types.js';
import { desired, observed, PROJECT, STACK } from '../fixtures.js';

const svc = (count: number) => ({ desiredCount: count, serviceName: 'web' });
const tg = (port: number) => ({ name: 'tg', port, healthCheck: { path: '/' } });

function drift(
  want: Parameters<typeof planStack>[0]['desired'],
  have: readonly ObservedResource[],
  extra: { rules?: string; unsupported?: boolean } = {},
): StackDrift {
  const plan = planStack({
    project: PROJECT,
    stack: STACK,
    desired: want,
    observed: have,
    allowDataLoss: true,
    ...(extra.unsupported ? { unsupportedKinds: new Set(['ecs.Service'] as const) } : {}),
  });
  return buildStackDrift({
    plan,
    region: 'eu-west-1',
    ...(extra.rules ? { rules: parseDriftIgnore(extra.rules, 'driftignore') } : {}),
  });
}

describe('buildStackDrift: one status per resource', () => {
  it.each([
    {
      reason: 'in sync',
      want: [desired('ecs.Service', 'service/web', svc(1))],
      have: [observed('ecs.Service', 'service/web', svc(1))],
      expected: { status: 'in-sync', fields: [] },
      sync: 'Synced',
    },
    {
      reason: 'changed in place',
      want: [desired('ecs.Service', 'service/web', svc(1))],
      have: [observed('ecs.Service', 'service/web', svc(3))],
      expected: {
        status: 'changed',
        fix: 'in-place',
        fields: [{ path: 'desiredCount', desired: 1, observed: 3, fix: 'in-place' }],
      },
      sync: 'OutOfSync',
    },
    {
      reason: 'changed, needing a replacement',
      want: [desired('elbv2.TargetGroup', 'tg/web', tg(80))],
      have: [observed('elbv2.TargetGroup', 'tg/web', tg(8080))],
      expected: {
        status: 'changed',
        fix: 'replace',
        reason: 'port cannot change in place',
        fields: [{ path: 'port', desired: 80, observed: 8080, fix: 'replace' }],
      },
      sync: 'OutOfSync',
    },
    {
      reason: 'missing',
      want: [desired('logs.LogGroup', 'log/web', { logGroupName: 'x' })],
      have: [],
      expected: { status: 'missing', health: 'Missing', fields: [] },
      sync: 'OutOfSync',
    },
    {
      reason: 'unmanaged (owned, no longer rendered)',
      want: [],
      have: [observed('logs.LogGroup', 'log/old', { logGroupName: 'old' })],
      expected: { status: 'unmanaged', physicalId: 'phys-log/old', fields: [] },
      sync: 'OutOfSync',
    },
    {
      reason: 'in conflict (our name, not our tags)',
      want: [desired('logs.LogGroup', 'log/web', { logGroupName: 'x' })],
      have: [observed('logs.LogGroup', 'log/web', { logGroupName: 'x' }, { owned: false })],
      expected: { status: 'conflict', reason: expect.stringContaining('not owned by stack shop/prod') },
      sync: 'OutOfSync',
    },
  ])('$reason', ({ want, have, expected, sync }) => {
    const result = drift(want, have);
    expect(result.resources).toEqual([expect.objectContaining(expected)]);
    expect(result.sync).toBe(sync);
  });

  it('reports kinds that cannot be observed yet as unknown, without calling them drift', () => {
    const result = drift([desired('ecs.Service', 'service/web', svc(1))], [], { unsupported: true });
    expect(result.resources).toEqual([
      expect.objectContaining({ status: 'unknown', reason: 'not yet supported' }),
    ]);
    expect(result.sync).toBe('Synced');
  });

  it('summarizes counts and coverage, and rolls health up from managed and missing resources only', () => {
    const degraded = { ...observed('ecs.Service', 'service/api', svc(1)), health: 'Degraded' as const };
    const orphan = { ...observed('ecs.Service', 'service/old', svc(1)), health: 'Degraded' as const };
    const result = drift(
      [desired('ecs.Service', 'service/web', svc(1)), desired('ecs.Service', 'service/api', svc(1))],
      [observed('ecs.Service', 'service/web', svc(2)), degraded, orphan],
    );
    expect(result.summary).toEqual({
      total: 3,
      managed: 2,
      inSync: 1,
      changed: 1,
      missing: 0,
      unmanaged: 1,
      conflict: 0,
      unknown: 0,
      ignored: 0,
      coverage: 66.7,
    });
    expect(result.health).toBe('Degraded');
    const withoutOrphanHealth = drift(
      [desired('ecs.Service', 'service/web', svc(1))],
      [observed('ecs.Service', 'service/web', svc(1)), orphan],
    );
    expect(withoutOrphanHealth.health).toBe('Healthy');
  });
});

describe('what is not drift', () => {
  it('hides and counts what ignore rules match, listing rules that matched nothing', () => {
    const result = drift(
      [
        desired('ecs.Service', 'service/web', svc(1)),
        desired('logs.LogGroup', 'log/web', { logGroupName: 'x' }),
      ],
      [observed('ecs.Service', 'service/web', svc(5))],
      { rules: 'ecs.Service:service/web:desiredCount\nlogs.LogGroup:*\nrds.DBInstance:*\n' },
    );
    expect(result.resources.map((r) => [r.logicalId, r.status])).toEqual([['service/web', 'in-sync']]);
    expect(result.ignored.slice(0, 3)).toEqual([
      { rule: 'ecs.Service:service/web:desiredCount', source: 'driftignore:1', count: 1 },
      { rule: 'logs.LogGroup:*', source: 'driftignore:2', count: 1 },
      { rule: 'rds.DBInstance:*', source: 'driftignore:3', count: 0 },
    ]);
    expect(result.summary.ignored).toBe(2);
    expect(result.sync).toBe('Synced');
  });

  it("counts AWS tags, other tools' tags and unowned fields as built-in suppressions", () => {
    const have = observed(
      'ecs.Service',
      'service/web',
      { ...svc(1), platformVersion: 'LATEST' },
      {
        tags: { 'aws:cloudformation:stack-name': 'x', team: 'payments' },
      },
    );
    const result = drift([desired('ecs.Service', 'service/web', svc(1))], [have]);
    expect(result.resources[0]?.status).toBe('in-sync');
    expect(result.ignored).toEqual([
      { rule: 'builtin:aws-tags', count: 1 },
      { rule: 'builtin:external-tags', count: 1 },
      { rule: 'builtin:aws-managed-fields', count: 1 },
      { rule: 'builtin:follows-dependency', count: 0 },
    ]);
  });

  it('reports a reference to a changing dependency on the dependency, not on the resource that follows it', () => {
    const td = (image: string) => ({ family: 'web', containerDefinitions: [{ image, name: 'web' }] });
    const result = drift(
      [
        desired('ecs.TaskDefinition', 'taskdef/web', td('nginx:2')),
        desired('ecs.Service', 'service/web', { ...svc(1), taskDefinition: ref('taskdef/web', 'arn') }),
      ],
      [
        observed('ecs.TaskDefinition', 'taskdef/web', td('nginx:1'), { outputs: { arn: 'td:1' } }),
        observed('ecs.Service', 'service/web', { ...svc(1), taskDefinition: 'td:1' }),
      ],
    );
    expect(result.resources.map((r) => [r.logicalId, r.status, r.fields.map((f) => f.path)])).toEqual([
      ['service/web', 'in-sync', []],
      ['taskdef/web', 'changed', ['containerDefinitions[0].image']],
    ]);
    expect(result.ignored.find((i) => i.rule === 'builtin:follows-dependency')?.count).toBe(1);
  });

  it('redacts secrets in every field value', () => {
    const td = (env: { name: string; value: string }[]) => ({
      containerDefinitions: [{ environment: env, name: 'web' }],
    });
    const result = drift(
      [desired('ecs.TaskDefinition', 'taskdef/web', td([{ name: 'DB_PASSWORD', value: 'desired-secret' }]))],
      [observed('ecs.TaskDefinition', 'taskdef/web', td([{ name: 'DB_PASSWORD', value: 'live-secret' }]))],
    );
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/desired-secret|live-secret/);
    expect(result.resources[0]?.fields).toEqual([
      {
        path: 'containerDefinitions[0].environment[0].value',
        desired: '(redacted)',
        observed: '(redacted)',
        fix: 'in-place',
        element: {
          path: 'containerDefinitions[0].environment[0]',
          desired: { name: 'DB_PASSWORD', value: '(redacted)' },
          observed: { name: 'DB_PASSWORD', value: '(redacted)' },
        },
      },
    ]);
  });
});

describe('buildDriftReport', () => {
  const synced = drift(
    [desired('ecs.Service', 'service/web', svc(1))],
    [observed('ecs.Service', 'service/web', svc(1))],
  );
  const outOfSync = { ...drift([desired('ecs.Service', 'service/web', svc(1))], []), stack: 'b' };
  const failed = stackDriftError(PROJECT, 'c', 'eu-west-1', 'stack file invalid');
  const report = (stacks: readonly StackDrift[]) =>
    buildDriftReport({
      project: PROJECT,
      stacks,
      tool: { name: 'stackctl', version: 'test' },
      generatedAt: 'now',
      durationMs: 1,
    });

  it.each([
    { reason: 'every stack in sync', stacks: [synced], sync: 'Synced', code: 0 },
    { reason: 'one stack drifted', stacks: [synced, outOfSync], sync: 'OutOfSync', code: 2 },
    { reason: 'a stack that could not be checked', stacks: [synced, failed], sync: 'Unknown', code: 1 },
    { reason: 'an error and drift', stacks: [failed, outOfSync], sync: 'OutOfSync', code: 1 },
  ])('$reason: sync $sync, exit $code', ({ stacks, sync, code }) => {
    const r = report(stacks);
    expect(r.sync).toBe(sync);
    expect(driftExitCode(r)).toBe(code);
    expect(r.summary.stacks).toBe(stacks.length);
    expect(r.schemaVersion).toBe(2);
  });

  it('totals resources over stacks and sorts stacks by name', () => {
    const r = report([{ ...synced, stack: 'z' }, outOfSync]);
    expect(r.stacks.map((s) => s.stack)).toEqual(['b', 'z']);
    expect(r.summary).toMatchObject({
      total: 2,
      inSync: 1,
      missing: 1,
      stacksOutOfSync: 1,
      stacksWithErrors: 0,
    });
  });
});
