import { describe, expect, it } from 'vitest';
import {
  buildDriftReport,
  buildStackDrift,
  driftExitCode,
  driftReportToJsonValue,
  formatDriftHtml,
  formatDriftMarkdown,
  formatDriftText,
} from '../../../../src/diff/drift/index.js';
import { planStack } from '../../../../src/diff/index.js';
import type { PrivateEdge } from '../../../../src/diff/wiring/edges.js';
import type { EdgeVerdict } from '../../../../src/diff/wiring/judge.js';
import { desired, observed, PROJECT, STACK } from '../fixtures.js';

const edge: PrivateEdge = {
  type: 'private',
  caller: 'web',
  callee: 'api',
  calleeRole: 'service',
  label: 'api',
  port: 8080,
  sources: ['environment.API_URL'],
};
const REASON = 'sg-0abc (shop-prod-svc-api) has no rule for tcp/8080 from sg/svc/web or sg/net/front';
const wired: EdgeVerdict = {
  edge,
  name: 'web → api:8080',
  resolves: { ok: true, reason: 'api.prod.shop.internal → srv-1' },
  admitted: { ok: true, reason: 'admits' },
  ok: true,
};
const broken: EdgeVerdict = { ...wired, admitted: { ok: false, reason: REASON }, ok: false };

function report(wiring: readonly EdgeVerdict[] | undefined) {
  const spec = { logGroupName: 'x', retentionInDays: 1 };
  const plan = planStack({
    project: PROJECT,
    stack: STACK,
    desired: [desired('logs.LogGroup', 'log/web', spec)],
    observed: [observed('logs.LogGroup', 'log/web', spec)],
    allowDataLoss: true,
  });
  return buildDriftReport({
    project: PROJECT,
    tool: { name: 'stackctl', version: 'test' },
    generatedAt: '2030-01-01T00:00:00.000Z',
    durationMs: 1,
    stacks: [buildStackDrift({ plan, region: 'eu-west-1', ...(wiring ? { wiring } : {}) })],
  });
}

describe('drift: a broken edge is drift', () => {
  it.each([
    {
      wiring: undefined,
      sync: 'Synced',
      health: 'Healthy',
      exit: 0,
      reason: 'wiring not checked (operator resync)',
    },
    { wiring: [wired], sync: 'Synced', health: 'Healthy', exit: 0, reason: 'every edge wired' },
    {
      wiring: [wired, broken],
      sync: 'OutOfSync',
      health: 'Degraded',
      exit: 2,
      reason: 'one edge broken, resources in sync',
    },
  ])('$reason', ({ wiring, sync, health, exit }) => {
    const r = report(wiring);
    expect(r.stacks[0]?.sync).toBe(sync);
    expect(r.stacks[0]?.health).toBe(health);
    expect(driftExitCode(r)).toBe(exit);
  });

  it('names the broken edge, its check and reason in JSON, text, Markdown and HTML', () => {
    const r = report([wired, broken]);
    const json = driftReportToJsonValue(r) as { schemaVersion: number; stacks: { wiring: unknown }[] };
    expect(json.schemaVersion).toBe(2);
    expect(json.stacks[0]?.wiring).toEqual({
      edges: 2,
      broken: [{ edge: 'web → api:8080', check: 'admitted', reason: REASON }],
    });
    expect(
      (driftReportToJsonValue(report(undefined)) as { stacks: { wiring: unknown }[] }).stacks[0]?.wiring,
    ).toBeNull();
    expect(formatDriftText(r)).toContain(`✗ web → api:8080 [admitted]: ${REASON}`);
    expect(formatDriftMarkdown(r)).toContain(`| \`web → api:8080\` | admitted | ${REASON} |`);
    expect(formatDriftHtml(r)).toContain('<code>web → api:8080</code>');
    expect(formatDriftHtml(r)).toContain('Broken edges: 1 of 2');
  });
});
