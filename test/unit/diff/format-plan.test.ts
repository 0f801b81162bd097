import { describe, expect, it } from 'vitest';
import { ref } from '../../../src/desired/resource-types.js';
import { formatPlanText } from '../../../src/diff/format-plan.js';
import { planToJson, planToJsonValue } from '../../../src/diff/plan-json.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import type { Plan } from '../../../src/diff/types.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const base = { project: PROJECT, stack: STACK };
const SECRET = 'hunter2-very-secret';
const URL_SECRET = 'pa55w0rd-in-url';

function mixedPlan(): Plan {
  return planStack({
    ...base,
    unsupportedKinds: new Set(['route53.Record']),
    desired: [
      desired('ecs.Cluster', 'cluster', { clusterName: 'shop-prod' }),
      desired('ecs.Service', 'service/web', { desiredCount: 3 }),
      desired('elbv2.TargetGroup', 'tg/web-80', { port: 8080 }),
      desired('logs.LogGroup', 'log/web', { retentionInDays: 7 }),
      desired('route53.Record', 'dns/www', {}),
      desired('ecs.Service', 'service/api', { desiredCount: 1 }),
    ],
    observed: [
      observed('ecs.Service', 'service/web', { desiredCount: 1 }),
      observed('elbv2.TargetGroup', 'tg/web-80', { port: 80 }),
      observed('logs.LogGroup', 'log/web', { retentionInDays: 7 }),
      observed('ecs.Service', 'service/api', { desiredCount: 1 }, { owned: false }),
      observed('ecs.Service', 'service/old', {}),
    ],
  });
}

function secretPlan(): Plan {
  const env = (value: string) => [
    { name: 'DATABASE_URL', value: `postgres://app:${URL_SECRET}@db:5432/app` },
    { name: 'DB_PASSWORD', value },
  ];
  return planStack({
    ...base,
    desired: [
      desired('ecs.TaskDefinition', 'taskdef/web', {
        containerDefinitions: [{ environment: env(SECRET), image: 'a' }],
      }),
      desired(
        'ecs.TaskDefinition',
        'taskdef/new',
        { containerDefinitions: [{ environment: env(SECRET) }] },
        { tags: { API_TOKEN: SECRET } },
      ),
    ],
    observed: [
      observed('ecs.TaskDefinition', 'taskdef/web', {
        containerDefinitions: [{ environment: env('old'), image: 'b' }],
      }),
    ],
  });
}

describe('formatPlanText', () => {
  it.each([
    { reason: 'a create', line: '+ create  ecs.Cluster cluster' },
    { reason: 'an update', line: '~ update  ecs.Service service/web' },
    { reason: 'an update delta', line: '    desiredCount: 1 → 3' },
    {
      reason: 'a replace with its reason',
      line: '-/+ replace elbv2.TargetGroup tg/web-80 (reason: port cannot change in place)',
    },
    { reason: 'a replacing delta', line: '    port: 80 → 8080  # forces replacement' },
    { reason: 'a delete', line: '- delete  ecs.Service service/old' },
    {
      reason: 'a conflict',
      line: '! conflict ecs.Service service/api (phys-service/api exists but is not owned',
    },
    { reason: 'a skip with its reason', line: '· skip    route53.Record dns/www (not yet supported)' },
    {
      reason: 'the summary',
      line: 'Plan: 1 to create, 1 to update, 1 to replace, 1 to delete, 1 skipped, 1 conflict.',
    },
  ])('shows $reason', ({ line }) => {
    const text = formatPlanText(mixedPlan(), { color: false });

    expect(text.split('\n').some((l) => l.startsWith(line))).toBe(true);
  });

  it('does not list noops', () => {
    expect(formatPlanText(mixedPlan(), { color: false })).not.toContain('log/web');
  });

  it('says the stack is in sync when nothing changes', () => {
    const plan = planStack({
      ...base,
      desired: [desired('logs.LogGroup', 'log/web', { retentionInDays: 7 })],
      observed: [observed('logs.LogGroup', 'log/web', { retentionInDays: 7 })],
    });

    expect(formatPlanText(plan, { color: false })).toBe('No changes. Stack prod is in sync.\n');
  });

  it('shows a ref not yet known as known after apply', () => {
    const plan = planStack({
      ...base,
      desired: [
        desired('elbv2.TargetGroup', 'tg/web-80', { port: 8080 }),
        desired('ecs.Service', 'service/web', { lb: ref('tg/web-80', 'arn') }),
      ],
      observed: [
        observed('elbv2.TargetGroup', 'tg/web-80', { port: 80 }, { outputs: { arn: 'arn:tg' } }),
        observed('ecs.Service', 'service/web', { lb: 'arn:tg' }),
      ],
    });

    expect(formatPlanText(plan, { color: false })).toContain('    lb: "arn:tg" → (known after apply)');
  });

  it.each([
    {
      reason: 'a stateful replace is bold red',
      allowDataLoss: true,
      change: { engine: 'mysql' },
      code: '\u001b[1;31m-/+ replace',
    },
    {
      reason: 'a stateless replace is not red',
      allowDataLoss: false,
      change: { port: 1 },
      code: '\u001b[35m-/+ replace',
    },
  ])('colours: $reason', ({ allowDataLoss, change, code }) => {
    const kind = 'engine' in change ? 'rds.DBInstance' : 'elbv2.TargetGroup';
    const plan = planStack({
      ...base,
      allowDataLoss,
      desired: [desired(kind, 'r', change)],
      observed: [observed(kind, 'r', { engine: 'postgres', port: 2 })],
    });

    const colored = formatPlanText(plan, { color: true });
    const plain = formatPlanText(plan, { color: false });

    expect(colored).toContain(code);
    expect(plain).not.toContain('\u001b[');
  });
});

describe('redaction in every output', () => {
  it.each([
    { reason: 'plan text', render: (p: Plan) => formatPlanText(p, { color: false }) },
    { reason: 'coloured plan text', render: (p: Plan) => formatPlanText(p, { color: true }) },
    { reason: 'plan JSON', render: (p: Plan) => planToJson(p) },
  ])('no secret appears in $reason', ({ render }) => {
    const out = render(secretPlan());

    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(URL_SECRET);
    expect(out).toContain('(redacted)');
  });
});

describe('planToJson', () => {
  it('is versioned and carries each step with its action', () => {
    const json = planToJsonValue(mixedPlan());

    expect(json.schemaVersion).toBe(1);
    expect(json.steps.find((s) => s.logicalId === 'tg/web-80')).toMatchObject({
      action: 'replace',
      reason: 'port cannot change in place',
      deltas: [{ path: 'port', desired: 8080, observed: 80, replace: true }],
    });
    expect(json.steps.find((s) => s.logicalId === 'service/old')).toMatchObject({
      action: 'delete',
      physicalId: 'phys-service/old',
    });
  });

  const STEP_KEYS = ['physicalId', 'reason', 'deltas', 'spec', 'tags', 'ignored'] as const;

  it.each([
    { reason: 'a create has a spec and tags but nothing live', logicalId: 'cluster', set: ['spec', 'tags'] },
    { reason: 'an update has a live id and deltas', logicalId: 'service/web', set: ['physicalId', 'deltas'] },
    {
      reason: 'a replace has a live id, a reason and deltas',
      logicalId: 'tg/web-80',
      set: ['physicalId', 'reason', 'deltas'],
    },
    { reason: 'a noop has only its live id', logicalId: 'log/web', set: ['physicalId'] },
    { reason: 'a skip has only its reason', logicalId: 'dns/www', set: ['reason'] },
    {
      reason: 'a conflict has a live id and a reason',
      logicalId: 'service/api',
      set: ['physicalId', 'reason'],
    },
    {
      reason: 'a delete without a reason has only its live id',
      logicalId: 'service/old',
      set: ['physicalId'],
    },
  ])('carries every key, null where absent: $reason', ({ logicalId, set }) => {
    const step = planToJsonValue(mixedPlan()).steps.find((s) => s.logicalId === logicalId);

    expect(step).toBeDefined();
    for (const key of STEP_KEYS) {
      expect(step, key).toHaveProperty(key);
      if (set.includes(key)) expect(step?.[key], key).not.toBeNull();
      else expect(step?.[key], key).toBeNull();
    }
  });

  it('is byte-stable whatever order the inputs come in', () => {
    const a = planStack({
      ...base,
      desired: [desired('ecs.Service', 'service/web', { b: 1, a: 2 }), desired('ecs.Cluster', 'cluster', {})],
      observed: [],
    });
    const b = planStack({
      ...base,
      desired: [desired('ecs.Cluster', 'cluster', {}), desired('ecs.Service', 'service/web', { a: 2, b: 1 })],
      observed: [],
    });

    expect(planToJson(a)).toBe(planToJson(b));
    expect(JSON.parse(planToJson(a))).toEqual(JSON.parse(JSON.stringify(planToJsonValue(a))));
  });
});
