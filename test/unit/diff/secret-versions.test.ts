import { describe, expect, it } from 'vitest';
import { ref } from '../../../src/desired/resource-types.js';
import { formatPlanText } from '../../../src/diff/format-plan.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import {
  decodeSecretVersions,
  encodeSecretVersions,
  type SecretVersion,
  servicesReading,
  versionsAfterPlan,
  withRecordedSecretVersions,
  withSecretVersions,
} from '../../../src/diff/secret-versions.js';
import type { Plan, PlanStep } from '../../../src/diff/types.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const TOKEN = '/stackctl/shop/prod/API_TOKEN';
const DB = '/stackctl/shop/prod/DB_PASSWORD';
const URL = '/stackctl/shop/prod/composed/api/DATABASE_URL';

function taskdef(service: string, secrets: Record<string, string>) {
  return desired('ecs.TaskDefinition', `taskdef/${service}`, {
    family: service,
    containerDefinitions: [
      { name: service, secrets: Object.entries(secrets).map(([name, valueFrom]) => ({ name, valueFrom })) },
    ],
  });
}

function service(name: string) {
  return desired('ecs.Service', `service/${name}`, {
    serviceName: name,
    taskDefinition: ref(`taskdef/${name}`, 'arn'),
  });
}

/** api reads API_TOKEN and DATABASE_URL (composed from DB_PASSWORD); worker reads nothing; web API_TOKEN. */
const RESOURCES = [
  taskdef('api', { API_TOKEN: TOKEN, DATABASE_URL: URL }),
  taskdef('worker', {}),
  taskdef('web', { TOKEN_FOR_WEB: TOKEN }),
  desired(
    'ssm.Parameter',
    'param/composed/api/DATABASE_URL',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose interpolation template, not JS
    { name: URL, type: 'SecureString', template: 'postgres://app:${P}@db/app', sources: { P: DB } },
    { name: URL },
  ),
  service('api'),
  service('worker'),
  service('web'),
];

describe('encodeSecretVersions / decodeSecretVersions', () => {
  it.each([
    { reason: 'no secrets', list: [], text: '' },
    { reason: 'one secret', list: [{ name: 'API_TOKEN', version: 4 }], text: 'API_TOKEN=4' },
    {
      reason: 'several, sorted by name whatever the input order',
      list: [
        { name: 'db-password', version: 12 },
        { name: 'API_TOKEN', version: 3 },
      ],
      text: 'API_TOKEN=3,db-password=12',
    },
  ])('round-trips $reason', ({ list, text }: { list: SecretVersion[]; text: string }) => {
    expect(encodeSecretVersions(list)).toBe(text);
    expect(decodeSecretVersions(text)).toEqual([...list].sort((a, b) => (a.name < b.name ? -1 : 1)));
  });

  it.each([
    { reason: 'a version of 0 (SSM starts at 1)', text: 'API_TOKEN=0' },
    { reason: 'a missing version', text: 'API_TOKEN=' },
    { reason: 'a non-numeric version', text: 'API_TOKEN=four' },
    { reason: 'an entry without =', text: 'API_TOKEN' },
    { reason: 'an empty entry', text: 'API_TOKEN=1,,DB=2' },
    { reason: 'a name that is no env name or key', text: '1ABC=2' },
  ])('refuses $reason (treated like no record)', ({ text }) => {
    expect(decodeSecretVersions(text)).toBeUndefined();
  });
});

describe('withSecretVersions', () => {
  it.each([
    {
      reason: 'a service gets the versions of the parameters its task definition reads',
      versions: [
        [TOKEN, 4],
        [URL, 2],
      ] as const,
      id: 'service/api',
      want: [
        { name: 'API_TOKEN', version: 4 },
        { name: 'DATABASE_URL', version: 2 },
      ],
    },
    {
      reason: 'a parameter with no known version (not created yet) is left out',
      versions: [[TOKEN, 4]] as const,
      id: 'service/api',
      want: [{ name: 'API_TOKEN', version: 4 }],
    },
    {
      reason: 'a service reading no secret gets no field',
      versions: [[TOKEN, 4]] as const,
      id: 'service/worker',
      want: undefined,
    },
    {
      reason: 'no known version at all: no field',
      versions: [] as const,
      id: 'service/api',
      want: undefined,
    },
  ])('$reason', ({ versions, id, want }) => {
    const out = withSecretVersions(RESOURCES, new Map(versions));
    expect(out.find((r) => r.logicalId === id)?.spec.secretVersions).toEqual(want);
  });

  it.each([
    {
      reason:
        'a service reading a parameter the stack composes waits for its rewrite (and is blocked by its failure)',
      id: 'service/api',
      want: ['param/composed/api/DATABASE_URL'],
    },
    { reason: 'a service reading only config keys waits for nothing more', id: 'service/web', want: [] },
  ])('$reason', ({ id, want }) => {
    const out = withSecretVersions(
      RESOURCES,
      new Map([
        [TOKEN, 4],
        [URL, 2],
      ]),
    );
    expect(out.find((r) => r.logicalId === id)?.dependsOn).toEqual(want);
  });
});

describe('servicesReading', () => {
  it.each([
    { reason: 'a key read directly by two services', name: TOKEN, want: ['service/api', 'service/web'] },
    { reason: 'a key read through a composed parameter', name: DB, want: ['service/api'] },
    { reason: 'a key no service reads', name: '/stackctl/shop/prod/UNUSED', want: [] },
  ])('$reason', ({ name, want }) => {
    expect(servicesReading(RESOURCES, name)).toEqual(want);
  });
});

describe('planning a changed secret', () => {
  const withVersions = withSecretVersions(RESOURCES, new Map([[TOKEN, 4]]));
  const spec = (name: string) => ({ serviceName: name, taskDefinition: `arn:td-${name}` });
  const live = [
    observed('ecs.Service', 'service/api', spec('api'), { outputs: { arn: 'arn:api' } }),
    observed('ecs.Service', 'service/web', spec('web'), { outputs: { arn: 'arn:web' } }),
  ];
  const plan = (recorded: Record<string, string>) =>
    planStack({
      project: PROJECT,
      stack: STACK,
      desired: withVersions.filter((r) => r.kind === 'ecs.Service' && r.logicalId !== 'service/worker'),
      observed: withRecordedSecretVersions(live, withVersions, new Map(Object.entries(recorded))),
      outputs: new Map([
        ['taskdef/api', { arn: 'arn:td-api' }],
        ['taskdef/web', { arn: 'arn:td-web' }],
      ]),
    });
  it.each([
    {
      reason: 'a recorded older version restarts the service, said as such',
      recorded: { 'service/api': 'API_TOKEN=3', 'service/web': 'TOKEN_FOR_WEB=4' },
      lines: ['~ restart service/api (secret API_TOKEN changed: version 3 → 4)'],
    },
    {
      reason: 'no record is assumed current: an upgrade restarts nothing',
      recorded: {},
      lines: [],
    },
    {
      reason: 'an unreadable record is treated like none',
      recorded: { 'service/api': 'garbage', 'service/web': 'TOKEN_FOR_WEB=4' },
      lines: [],
    },
  ])('$reason', ({ recorded, lines }) => {
    const text = formatPlanText(plan(recorded), { color: false });
    const changed = text.split('\n').filter((l) => /^[~+-]/.test(l));
    expect(changed).toEqual(lines);
  });
});

describe('versionsAfterPlan', () => {
  const composed = desired(
    'ssm.Parameter',
    'param/composed/api/DATABASE_URL',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose interpolation template, not JS
    { name: URL, type: 'SecureString', template: 'postgres://app:${P}@db/app', sources: { P: DB } },
    { name: URL },
  );
  const live = (version: number) =>
    observed(
      'ssm.Parameter',
      composed.logicalId,
      { name: URL, type: 'SecureString' },
      {
        name: URL,
        outputs: { arn: 'arn:url', name: URL, version },
      },
    );
  const step = (action: PlanStep['action']): PlanStep => ({
    logicalId: composed.logicalId,
    kind: 'ssm.Parameter',
    action,
    after: [],
  });
  const planOf = (steps: PlanStep[]): Plan => ({
    project: PROJECT,
    stack: STACK,
    steps,
    summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0, conflict: 0, skip: 0 },
  });
  const contentDelta = {
    path: 'content',
    observed: 'differs from its sources',
    desired: 'current',
    replace: false,
  };
  const tagDelta = { path: 'tags.team', observed: undefined, desired: 'a', replace: false };

  it.each([
    {
      reason: 'a rewritten composed value is one version up (SSM adds 1 per overwrite)',
      steps: [step({ type: 'update', desired: composed, observed: live(3), deltas: [contentDelta] })],
      want: 4,
    },
    {
      reason: 'a created parameter starts at version 1',
      steps: [step({ type: 'create', desired: composed })],
      want: 1,
    },
    {
      reason: 'a tag-only update writes no value',
      steps: [step({ type: 'update', desired: composed, observed: live(3), deltas: [tagDelta] })],
      want: 3,
    },
    {
      reason: 'an unchanged parameter keeps its version',
      steps: [step({ type: 'noop', desired: composed, observed: live(3) })],
      want: 3,
    },
  ])('$reason', ({ steps, want }) => {
    expect(versionsAfterPlan(planOf(steps), new Map([[URL, 3]])).get(URL)).toBe(want);
  });
});
