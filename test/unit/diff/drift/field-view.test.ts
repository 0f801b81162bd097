import { describe, expect, it } from 'vitest';
import type { ResourceKind, Spec } from '../../../../src/desired/resource-types.js';
import { wrapValue } from '../../../../src/diff/drift/field-view.js';
import {
  buildDriftReport,
  buildStackDrift,
  type DriftReport,
  formatDriftHtml,
  formatDriftMarkdown,
  formatDriftText,
} from '../../../../src/diff/drift/index.js';
import { planStack } from '../../../../src/diff/index.js';
import { desired, observed, PROJECT, STACK } from '../fixtures.js';

const rule = (port: number, cidrIp: string, description: string) => ({
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  cidrIp,
  description,
});
const SSH = rule(22, '0.0.0.0/0', 'ssh from anywhere opened by hand for incident 4242');
const WEB = rule(80, '10.0.0.0/16', 'web traffic from the load balancer subnets');
const ARN = 'arn:aws:ssm:eu-west-1:123456789012:parameter/stackctl/shop/prod/DATABASE_URL';
const td = (env: { name: string; value: string }[], secrets: { name: string; valueFrom: string }[]) => ({
  containerDefinitions: [{ name: 'api', image: 'shop/api:1', environment: env, secrets }],
});

function report(kind: ResourceKind, logicalId: string, want: Spec, live: Spec, name?: string): DriftReport {
  const extra = name ? { name } : {};
  const plan = planStack({
    project: PROJECT,
    stack: STACK,
    allowDataLoss: true,
    desired: [desired(kind, logicalId, want, extra)],
    observed: [observed(kind, logicalId, live, extra)],
  });
  return buildDriftReport({
    project: PROJECT,
    tool: { name: 'stackctl', version: 'test' },
    generatedAt: '2030-01-01T00:00:00.000Z',
    durationMs: 1,
    stacks: [buildStackDrift({ plan, region: 'eu-west-1' })],
  });
}

/** The field lines of the one changed resource, without the stack's header and footer. */
function fieldLines(r: DriftReport): string[] {
  return formatDriftText(r)
    .split('\n')
    .filter((l) => l.startsWith('        '));
}

const SECRET_VALUES = [
  'postgres://shop:hunter2@db/shop',
  'postgres://shop:swordfish@db/shop',
  'hunter2',
  'swordfish',
];

describe('drift shows the whole changed element, and secrets by name only', () => {
  it.each<{ reason: string; drift: () => DriftReport; lines: string[] }>([
    {
      reason: 'a changed security group rule is printed whole, live and desired, never cut off',
      drift: () =>
        report(
          'ec2.SecurityGroup',
          'sg/web',
          { ingress: [{ ...SSH, fromPort: 2222, toPort: 2222 }] },
          { ingress: [SSH] },
        ),
      lines: [
        '        ingress[0] (fromPort, toPort changed):',
        `          live:    {"cidrIp":"0.0.0.0/0","description":"${SSH.description}",`,
        '                   "fromPort":22,"protocol":"tcp","toPort":22}',
        `          desired: {"cidrIp":"0.0.0.0/0","description":"${SSH.description}",`,
        '                   "fromPort":2222,"protocol":"tcp","toPort":2222}',
      ],
    },
    {
      reason: 'a rule added out of band (lists of different length): the extra rule, whole',
      drift: () => report('ec2.SecurityGroup', 'sg/web', { ingress: [WEB] }, { ingress: [SSH, WEB] }),
      lines: [
        '        ingress: 1 only live (reconcile removes), 0 only desired (reconcile adds):',
        `          - {"cidrIp":"0.0.0.0/0","description":"${SSH.description}",`,
        '            "fromPort":22,"protocol":"tcp","toPort":22}',
      ],
    },
    {
      reason: 'a changed secret environment value: its key name, never its value',
      drift: () =>
        report(
          'ecs.TaskDefinition',
          'taskdef/api',
          td([{ name: 'DB_PASSWORD', value: 'hunter2' }], []),
          td([{ name: 'DB_PASSWORD', value: 'swordfish' }], []),
        ),
      lines: ['        secret DB_PASSWORD: value changed'],
    },
    {
      reason: 'a secret read from a newer SSM version: its key name and the versions',
      drift: () =>
        report(
          'ecs.TaskDefinition',
          'taskdef/api',
          td([], [{ name: 'DATABASE_URL', valueFrom: `${ARN}:4` }]),
          td([], [{ name: 'DATABASE_URL', valueFrom: `${ARN}:3` }]),
        ),
      lines: ['        secret DATABASE_URL: value changed (version 3 → 4)'],
    },
    {
      reason: 'a composed secret whose value no longer matches its sources: the key, not the value',
      drift: () =>
        report(
          'ssm.Parameter',
          'param/composed/api/DATABASE_URL',
          { name: '/stackctl/shop/prod/composed/api/DATABASE_URL', content: 'current' },
          { name: '/stackctl/shop/prod/composed/api/DATABASE_URL', content: 'differs from its sources' },
          '/stackctl/shop/prod/composed/api/DATABASE_URL',
        ),
      lines: ['        secret DATABASE_URL: value differs from its sources'],
    },
    {
      reason: 'a short value stays on one line',
      drift: () => report('ecs.Service', 'service/web', { desiredCount: 2 }, { desiredCount: 1 }),
      lines: ['        desiredCount: 1 → 2'],
    },
    {
      reason: 'a long value is wrapped over lines, whole',
      drift: () =>
        report(
          'ecs.TaskDefinition',
          'taskdef/api',
          { containerDefinitions: [{ name: 'api', command: ['sh', '-c', 'x'.repeat(120)] }] },
          { containerDefinitions: [{ name: 'api', command: ['sh', '-c', 'y'.repeat(120)] }] },
        ),
      lines: [
        '        containerDefinitions[0].command[2]:',
        `          live:    "${'y'.repeat(95)}`,
        `                   ${'y'.repeat(25)}"`,
        `          desired: "${'x'.repeat(95)}`,
        `                   ${'x'.repeat(25)}"`,
      ],
    },
  ])('$reason', ({ drift, lines }) => {
    const r = drift();
    expect(fieldLines(r)).toEqual(lines);
    const everything = formatDriftText(r) + formatDriftMarkdown(r) + formatDriftHtml(r) + JSON.stringify(r);
    for (const secret of SECRET_VALUES) expect(everything).not.toContain(secret);
  });

  it.each([
    {
      reason: 'markdown: the element whole, wrapped with <br> in its cell',
      render: formatDriftMarkdown,
      contains: [
        '`ingress[0]` (fromPort, toPort)',
        `\`{"cidrIp":"0.0.0.0/0","description":"${SSH.description}",\`<br>\`"fromPort":22,"protocol":"tcp","toPort":22}\``,
      ],
    },
    {
      reason: 'html: the element whole, wrapped with <br> in its cell',
      render: formatDriftHtml,
      contains: [
        '<code>ingress[0]</code> <span class="muted">(fromPort, toPort)</span>',
        '&quot;fromPort&quot;:2222,&quot;protocol&quot;:&quot;tcp&quot;,&quot;toPort&quot;:2222}</code>',
        ',</code><br><code>',
      ],
    },
  ])('$reason', ({ render, contains }) => {
    const r = report(
      'ec2.SecurityGroup',
      'sg/web',
      { ingress: [{ ...SSH, fromPort: 2222, toPort: 2222 }] },
      { ingress: [SSH] },
    );
    const out = render(r);
    for (const c of contains) expect(out).toContain(c);
    expect(out).not.toContain('…');
  });

  it.each([
    {
      reason: 'markdown names the secret',
      render: formatDriftMarkdown,
      text: 'secret `DB_PASSWORD` | value changed',
    },
    {
      reason: 'html names the secret',
      render: formatDriftHtml,
      text: 'secret <code>DB_PASSWORD</code></td><td colspan="2">value changed',
    },
  ])('$reason', ({ render, text }) => {
    const r = report(
      'ecs.TaskDefinition',
      'taskdef/api',
      td([{ name: 'DB_PASSWORD', value: 'hunter2' }], []),
      td([{ name: 'DB_PASSWORD', value: 'swordfish' }], []),
    );
    expect(render(r)).toContain(text);
  });
});

describe('wrapValue', () => {
  it.each([
    { reason: 'short text is one line', text: 'abc', width: 10, lines: ['abc'] },
    {
      reason: 'breaks after a comma in the second half',
      text: '{"a":1,"b":2}',
      width: 8,
      lines: ['{"a":1,', '"b":2}'],
    },
    {
      reason: 'no break point: a hard cut, nothing lost',
      text: 'x'.repeat(25),
      width: 10,
      lines: ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)],
    },
  ])('$reason', ({ text, width, lines }) => {
    expect(wrapValue(text, width)).toEqual(lines);
    expect(wrapValue(text, width).join('')).toBe(text);
  });
});
