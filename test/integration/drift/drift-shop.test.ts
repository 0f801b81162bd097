/**
 * `stackctl drift` on the example shop's dev stack in a real moto: after convergence it is in sync; each
 * out-of-band change names exactly that resource and field with the right verdict and exits 2, and the
 * next reconcile brings it back to exit 0. Also: a desired-side change that forces replacement, secrets
 * redacted in every format, driftignore rules counted, and the HTML report rendered in Chromium.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredStack } from '../../../src/desired/resource-types.js';
import { launchChromium } from './chromium.js';
import { type DriftEnv, drifted, reportOf, startDriftEnv } from './drift-env.js';
import { nameOf, OUT_OF_BAND_CASES, reviseTaskDefinition, targetGroupArn } from './out-of-band.js';

let env: DriftEnv;
let stack: DesiredStack;

const drift = (...extra: string[]) => env.cli(['drift', '--stack', 'dev', ...extra]);
const reconcile = () => env.cli(['reconcile', '--once', '--stack', 'dev']);

beforeAll(async () => {
  env = await startDriftEnv();
  stack = JSON.parse((await env.cli(['render', '--stack', 'dev', '--output', 'json'])).out) as DesiredStack;
  expect((await env.cli(['config', 'set', 'API_TOKEN', '--random', '--stack', 'dev'])).code).toBe(0);
  const first = await reconcile();
  expect(first.code, first.err + first.out).toBe(0);
}, 180_000);

afterAll(async () => {
  await env?.stop();
});

describe('drift on a converged stack', () => {
  it('is in sync: exit 0, every rendered resource in-sync, full coverage', async () => {
    const result = await drift('--output', 'json');
    expect(result.code, result.err).toBe(0);
    const report = reportOf(result);
    expect(report.schemaVersion).toBe(2);
    expect(report.sync).toBe('Synced');
    expect(drifted(report)).toEqual([]);
    const [dev] = report.stacks;
    expect(dev?.summary).toMatchObject({ total: stack.resources.length, inSync: stack.resources.length });
    expect(dev?.summary.coverage).toBe(100);
    expect(report.readCalls).toBeGreaterThan(0);
  });

  it.each(OUT_OF_BAND_CASES)(
    '$reason: names exactly that resource and field, exits 2, and 0 after reconcile',
    async ({ change, expected, fields, observed, desired }) => {
      await change(env.clients, stack);
      const result = await drift('--output', 'json');
      expect(result.code, result.err).toBe(2);
      const report = reportOf(result);
      expect(drifted(report)).toEqual([expected]);
      const resource = report.stacks[0]?.resources.find((r) => r.status !== 'in-sync');
      const paths = resource?.fields.map((f) => f.path) ?? [];
      if (fields.length === 0) expect(paths).toEqual([]);
      else if (observed === undefined) {
        expect(paths.length).toBeGreaterThan(0);
        expect(paths.every((p) => p.startsWith(fields[0] ?? ''))).toBe(true);
      } else expect(paths).toEqual(fields);
      if (resource?.status === 'changed') {
        expect(resource.fix).toBe('in-place');
        expect(resource.fields.every((f) => f.fix === 'in-place')).toBe(true);
      }
      if (observed !== undefined) expect(resource?.fields[0]).toMatchObject({ observed, desired });

      const fixed = await reconcile();
      expect(fixed.code, fixed.err + fixed.out).toBe(0);
      const after = await drift('--output', 'json');
      expect(after.code, drifted(reportOf(after)).join('\n')).toBe(0);
    },
    120_000,
  );
});

describe('verdicts, redaction and ignore rules', () => {
  it('a change to an immutable field is reported as a replacement', async () => {
    const file = join(env.dir, '.stackctl/dev.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('  vpc: create\n', '  vpc: create\n  cidr: 10.99.0.0/16\n'));
    try {
      const result = await drift('--output', 'json');
      expect(result.code).toBe(2);
      const resources = reportOf(result).stacks[0]?.resources ?? [];
      const vpc = resources.find((r) => r.logicalId === 'vpc');
      expect(vpc).toMatchObject({
        status: 'changed',
        fix: 'replace',
        reason: 'cidrBlock cannot change in place',
      });
      expect(vpc?.fields).toEqual([
        { path: 'cidrBlock', observed: '10.0.0.0/16', desired: '10.99.0.0/16', fix: 'replace' },
      ]);
      const text = await drift();
      expect(text.out).toMatch(/ec2\.Vpc vpc .*\[forces replacement\]/);
    } finally {
      await writeFile(file, original);
    }
  });

  it('never shows a secret value, in any format', async () => {
    const secret = 'hunter2-out-of-band';
    await reviseTaskDefinition(env.clients, 'shop-dev-web', 'web', (d) => ({
      ...d,
      environment: [...(d.environment ?? []), { name: 'DB_PASSWORD', value: secret }],
    }));
    for (const output of ['json', 'text', 'markdown', 'html']) {
      const result = await drift('--output', output);
      expect(result.code).toBe(2);
      expect(result.out).not.toContain(secret);
      expect(result.out).toContain('(redacted)');
    }
    expect((await reconcile()).code).toBe(0);
  }, 60_000);

  it('driftignore rules hide and count what they match; a malformed line fails with file:line', async () => {
    const file = join(env.dir, '.stackctl/driftignore');
    await writeFile(
      file,
      '# autoscaled by hand\necs.Service:service/web:desiredCount  # ops scale it\nlogs.LogGroup:log/migrate\n',
    );
    await env.clients.ecs.send(
      new UpdateServiceCommand({ cluster: 'shop-dev', service: 'web', desiredCount: 2 }),
    );
    try {
      const result = await drift('--output', 'json');
      expect(result.code, drifted(reportOf(result)).join()).toBe(0);
      const dev = reportOf(result).stacks[0];
      expect(dev?.ignored.filter((i) => !i.rule.startsWith('builtin:'))).toEqual([
        {
          rule: 'ecs.Service:service/web:desiredCount',
          source: expect.stringMatching(/driftignore:2$/),
          count: 1,
        },
        { rule: 'logs.LogGroup:log/migrate', source: expect.stringMatching(/driftignore:3$/), count: 1 },
      ]);
      expect(dev?.resources.some((r) => r.logicalId === 'log/migrate')).toBe(false);

      await writeFile(file, 'ecs.Service:service/web:desiredCount\nnot-a-rule\n');
      const bad = await drift();
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/driftignore:2: "not-a-rule": missing ":"/);
    } finally {
      await rm(file);
    }
    expect((await reconcile()).code).toBe(0);
  }, 60_000);
});

describe('HTML report', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every drifted field, readable in headless Chromium', async ({ skip }) => {
    browser = await launchChromium({ untested: 'the HTML drift report as rendered in a browser', skip });
    await env.clients.ecs.send(
      new UpdateServiceCommand({ cluster: 'shop-dev', service: 'api', desiredCount: 4 }),
    );
    await env.clients.logs.send(
      new PutRetentionPolicyCommand({ logGroupName: '/stackctl/shop/dev/api', retentionInDays: 14 }),
    );
    const tg = await targetGroupArn(env.clients, nameOf(stack, 'tg/api-80'));
    await env.clients.elbv2.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: tg, HealthCheckPath: '/ping' }),
    );
    const file = join(tmpdir(), `stackctl-drift-${process.pid}.html`);
    const shot = join(tmpdir(), `stackctl-drift-${process.pid}.png`);
    const result = await drift('--output', 'html', '--out', file);
    expect(result.code, result.err).toBe(2);
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${file}`);
    await page.screenshot({ path: shot, fullPage: true });
    // biome-ignore lint/performance/useDomNodeTextContent: the test wants the text as rendered for a reader
    const text = await page.innerText('body');
    await page.close();
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    for (const expected of [
      'OutOfSync',
      'service/api',
      'desiredCount',
      'log/api',
      'retentionInDays',
      'tg/api-80',
      'healthCheck.path',
      '/ping',
      'in place',
    ]) {
      expect(text).toContain(expected);
    }
    await rm(file);
    await rm(shot);
    expect((await reconcile()).code).toBe(0);
  }, 90_000);
});
