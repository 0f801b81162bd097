import { describe, expect, it } from 'vitest';
import {
  buildDriftReport,
  buildStackDrift,
  type DriftReport,
  driftReportToJson,
  formatDriftHtml,
  formatDriftMarkdown,
  formatDriftText,
  stackDriftError,
} from '../../../../src/diff/drift/index.js';
import { planStack } from '../../../../src/diff/index.js';
import { desired, observed, PROJECT, STACK } from '../fixtures.js';

const TRICKY = '<script>alert("x")</script> | pipe `tick`';

function sampleReport(): DriftReport {
  const plan = planStack({
    project: PROJECT,
    stack: STACK,
    allowDataLoss: true,
    desired: [
      desired('ecs.Service', 'service/web', { desiredCount: 1 }),
      desired('elbv2.TargetGroup', 'tg/web', { port: 80, healthCheck: { path: '/' } }),
      desired('logs.LogGroup', 'log/web', { logGroupName: '/l/web' }),
      desired('ssm.Parameter', 'param/note', { name: 'n', description: TRICKY }),
      desired('iam.Role', 'role/task', { roleName: 'r' }),
    ],
    observed: [
      observed('ecs.Service', 'service/web', { desiredCount: 3 }),
      observed('elbv2.TargetGroup', 'tg/web', { port: 8080, healthCheck: { path: '/health' } }),
      observed('logs.LogGroup', 'log/old', { logGroupName: '/l/old' }),
      observed('ssm.Parameter', 'param/note', { name: 'n', description: 'plain' }),
      observed('iam.Role', 'role/task', { roleName: 'r' }, { owned: false }),
    ],
  });
  return buildDriftReport({
    project: PROJECT,
    tool: { name: 'stackctl', version: 'test' },
    generatedAt: '2030-01-01T00:00:00.000Z',
    durationMs: 12,
    stacks: [
      buildStackDrift({ plan, region: 'eu-west-1' }),
      stackDriftError(PROJECT, 'broken', 'eu-west-1', 'stack file .stackctl/broken.yaml: mode is invalid'),
    ],
  });
}

describe('text', () => {
  it('groups by status with driftctl markers, values as live → desired, and a footer', () => {
    const text = formatDriftText(sampleReport());
    expect(text).toContain(`${STACK} (eu-west-1): OutOfSync / Missing`);
    expect(text).toContain('    ~ ecs.Service service/web');
    expect(text).toContain('        desiredCount: 3 → 1');
    expect(text).toMatch(/port: 8080 → 80 {2}# forces replacement/);
    expect(text).toMatch(/\+ logs\.LogGroup log\/web/);
    expect(text).toMatch(/- logs\.LogGroup log\/old/);
    expect(text).toMatch(/! iam\.Role role\/task .*not owned/);
    expect(text).toContain(
      'broken (eu-west-1): Unknown / Unknown\n  error: stack file .stackctl/broken.yaml: mode is invalid',
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'OutOfSync: 1 of 2 stacks out of sync, 1 not checked; 6 resources: 3 changed, 1 missing, 1 unmanaged, 1 in conflict; coverage 75%; 0 ignored.',
    );
    expect(text).not.toContain('\u001b[');
    expect(formatDriftText(sampleReport(), { color: true })).toContain('\u001b[');
  });
});

describe('markdown', () => {
  it('has an overview table, one row per drifted field, and survives pipes in values', () => {
    const md = formatDriftMarkdown(sampleReport());
    expect(md.startsWith('## Drift report: shop — ⚠️ OutOfSync\n')).toBe(true);
    expect(md).toContain('| prod | eu-west-1 | ⚠️ OutOfSync | Missing | 0 | 3 | 1 | 1 | 75% |');
    expect(md).toContain('| broken | eu-west-1 | ❌ error |');
    expect(md).toContain('| ~ | `ecs.Service` `service/web` | `desiredCount` | `3` | `1` | in place |');
    expect(md).toContain('| `port` | `8080` | `80` | forces replacement |');
    const trickyRow = md.split('\n').find((l) => l.includes('param/note')) ?? '';
    expect(trickyRow.split(/(?<!\\)\|/).length).toBe(8);
    expect(trickyRow).not.toContain('<script>');
  });
});

describe('html', () => {
  it('is one self-contained, escaped page with a section per stack and a table of drifted fields', () => {
    const html = formatDriftHtml(sampleReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|(src|href)="(https?:)?\/\//i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('id="stack-prod"');
    expect(html).toContain('id="stack-broken"');
    expect(html).toMatch(
      /<td><code>healthCheck\.path<\/code><\/td><td class="live"><code>&quot;\/health&quot;<\/code><\/td><td class="desired"><code>&quot;\/&quot;<\/code><\/td>/,
    );
    expect(html).toContain('class="badge s-OutOfSync"');
    expect(html).toContain('<span class="fix-replace">forces replacement</span>');
  });
});

describe('json', () => {
  it('is stable, versioned, and writes absent values as null', () => {
    const report = sampleReport();
    const text = driftReportToJson(report);
    expect(driftReportToJson(report)).toBe(text);
    const parsed = JSON.parse(text) as DriftReport;
    expect(parsed.schemaVersion).toBe(2);
    expect(parsed.stacks.map((s) => s.stack)).toEqual(['broken', 'prod']);
    const desc = parsed.stacks[1]?.resources.find((r) => r.logicalId === 'param/note')?.fields[0];
    expect(desc).toEqual({ path: 'description', desired: TRICKY, observed: 'plain', fix: 'in-place' });
  });
});
