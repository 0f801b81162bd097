/**
 * The operator's HTTP port against moto: the status page renders in headless Chromium with each
 * stack's state, `/metrics` is valid Prometheus text with the expected series, and the health
 * endpoints answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Operator } from '../../../src/operator/operator.js';
import { readStatus, type StackRef } from '../../../src/state/index.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { launchChromium } from '../drift/chromium.js';
import {
  cli,
  converged,
  push,
  testConfig,
  testOperator,
  useMotoEnvironment,
  waitFor,
  writeProject,
} from './operator-fixture.js';

const TABLE = 'http-state';
const PROJECT = 'web';

let moto: MotoServer;
let clients: AwsClients;
let operator: Operator;
let base: string;

function ref(stack: string): StackRef {
  return { client: clients.dynamodb, table: TABLE, project: PROJECT, stack };
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
  const dir = writeProject(PROJECT, { good: {}, bad: {} }, { secret: true });
  const set = await cli(['config', 'set', 'TOKEN', '--random', '--stack', 'good', '-C', dir], TABLE);
  expect(set.code, set.err).toBe(0);
  await push(dir, 'good', TABLE);
  await push(dir, 'bad', TABLE);
  operator = testOperator(moto.endpoint, testConfig(TABLE, { owner: 'http-op' }), { http: true });
  await operator.start();
  base = `http://127.0.0.1:${operator.port}`;
  await converged(ref('good'), 1, 90_000);
  await waitFor(
    'the bad stack to fail',
    async () => (await readStatus(ref('bad')))?.lastPass?.result === 'error',
  );
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await moto?.stop();
});

describe('status page', () => {
  it('renders in headless Chromium with each stack and its state', async ({ skip }) => {
    const browser = await launchChromium({ untested: "the operator's status page as rendered", skip });
    try {
      const page = await browser.newPage();
      const response = await page.goto(`${base}/`);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('stackctl operator');
      const rows = await page.$$eval('#stacks tbody tr', (trs) =>
        trs.map((tr) => ({
          stack: tr.getAttribute('data-stack'),
          state: tr.querySelector('[data-field="state"]')?.textContent,
          synced: tr.querySelectorAll('td')[2]?.getAttribute('data-status'),
          ready: tr.querySelectorAll('td')[3]?.getAttribute('data-status'),
          health: tr.querySelector('[data-field="health"]')?.textContent,
          text: tr.textContent ?? '',
        })),
      );
      expect(rows.map((r) => r.stack)).toEqual([`${PROJECT}/bad`, `${PROJECT}/good`]);
      const [bad, good] = rows;
      expect(good).toMatchObject({ state: 'Ready', synced: 'True', ready: 'True', health: 'Healthy' });
      expect(bad).toMatchObject({ state: 'ReconcileError', synced: 'False' });
      expect(bad?.text).toContain('TOKEN');
    } finally {
      await browser.close();
    }
  }, 60_000);
});

/** One sample line of the Prometheus text format: name, optional labels, value. */
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/;

describe('metrics and health', () => {
  it('serves /metrics as Prometheus text with passes, AWS calls, drift and queue series', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const typed = new Set<string>();
    const values = new Map<string, number>();
    for (const line of text.trimEnd().split('\n')) {
      if (line.startsWith('# TYPE ')) {
        typed.add(line.split(' ')[2] ?? '');
        continue;
      }
      if (line.startsWith('# HELP ')) continue;
      const m = SAMPLE.exec(line);
      expect(m, `not a sample line: ${line}`).not.toBeNull();
      const family = (m?.[1] ?? '').replace(/_(bucket|sum|count)$/, '');
      expect(typed.has(family) || typed.has(m?.[1] ?? ''), `${line} precedes its # TYPE`).toBe(true);
      values.set(`${m?.[1]}${m?.[2] ?? ''}`, Number(m?.[3]));
    }
    expect(values.get('stackctl_passes_total{action="apply",result="success"}')).toBeGreaterThanOrEqual(2);
    expect(values.get('stackctl_passes_total{action="apply",result="error"}')).toBeGreaterThanOrEqual(1);
    expect(
      values.get('stackctl_aws_calls_total{service="ecs",operation="CreateService",kind="mutate"}'),
    ).toBe(1);
    expect(
      values.get('stackctl_aws_calls_total{service="dynamodb",operation="Query",kind="read"}'),
    ).toBeGreaterThan(0);
    expect(values.get('stackctl_pass_duration_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(values.get('stackctl_pass_duration_seconds_bucket{le="+Inf"}')).toBe(
      values.get('stackctl_pass_duration_seconds_count'),
    );
    for (const name of [
      'stackctl_drift_found_total',
      'stackctl_drift_corrected_total',
      'stackctl_queue_depth',
      'stackctl_queue_delayed',
      'stackctl_passes_in_flight',
    ])
      expect(values.has(name), name).toBe(true);
    expect(values.get('stackctl_stacks')).toBe(2);
    expect(values.get('stackctl_ready')).toBe(1);
  });

  it.each([
    { reason: 'liveness answers while the process serves', path: '/healthz', status: 200 },
    { reason: 'readiness answers once the table was polled', path: '/readyz', status: 200 },
    { reason: 'unknown paths are 404', path: '/nope', status: 404 },
  ])('$reason', async ({ path, status }) => {
    expect((await fetch(`${base}${path}`)).status).toBe(status);
  });

  it('refuses writes: the port is read-only', async () => {
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });
});
