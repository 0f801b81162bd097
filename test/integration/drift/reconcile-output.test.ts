/**
 * What `reconcile` prints, against a real moto, on a small two-service app: the plan first (the same
 * text `plan` prints), then one progress line per resource on stderr (no terminal: no "started" lines),
 * then a summary by action and the public URLs; with `--output json` one typed `ReconcileResult`.
 */
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../../src/diff/plan-json.js';
import { createNetwork, type DriftEnv, startDriftEnv, tinyStackFile, writeTinyApp } from './drift-env.js';

let env: DriftEnv;

beforeAll(async () => {
  env = await startDriftEnv(null);
  await writeTinyApp(env.dir, { dev: tinyStackFile(await createNetwork(env.clients)) });
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SUMMARY =
  /^Reconciled in \d+(\.\d)?s: (\d+) created, (\d+) updated, (\d+) replaced, (\d+) deleted, (\d+) failed \((\d+) unchanged\)\.$/m;

interface ReconcileDoc {
  schemaVersion: number;
  kind: string;
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  elapsedMs: number;
  counts: Record<string, number>;
  plan: PlanJson;
  results: {
    logicalId: string;
    status: string;
    durationMs: number;
    physicalId: string | null;
    error: unknown;
  }[];
  health: unknown;
  stats: unknown;
  publicUrls: string[];
}

describe('reconcile output', () => {
  it('prints the plan first, one line per resource, then the summary and the public URLs', async () => {
    const plan = await env.cli(['plan', '--stack', 'dev', '--output', 'json']);
    const creates = (JSON.parse(plan.out) as PlanJson).steps.filter((s) => s.action === 'create');
    const planText = (await env.cli(['plan', '--stack', 'dev'])).out;
    expect(planText).toMatch(/^\+ create/m);

    const result = await env.cli(['reconcile', '--once', '--stack', 'dev']);
    expect(result.code, result.err + result.out).toBe(0);
    expect(result.out.startsWith(planText)).toBe(true);
    const rest = result.out.slice(planText.length).split('\n');
    expect(rest[0]).toMatch(SUMMARY);
    expect(SUMMARY.exec(rest[0] ?? '')?.slice(2)).toEqual([String(creates.length), '0', '0', '0', '0', '0']);
    expect(rest[1]).toBe('Public URLs:');
    expect(rest[2]).toMatch(/^ {2}http:\/\//);

    const progress = result.err.split('\n').filter((l) => /^ {2}[✓✗…↻-] /.test(l));
    expect(progress.filter((l) => l.startsWith('  … '))).toEqual([]);
    expect(progress.map((l) => l.replace(/ \(\d+\.\ds\)$/, '')).sort()).toEqual(
      creates.map((s) => `  ✓ create  ${s.kind} ${s.logicalId}`).sort(),
    );
  }, 120_000);

  it.each([
    {
      reason: 'converged: nothing changes, every count but unchanged is 0',
      change: async () => undefined,
      counts: { created: 0, updated: 0, replaced: 0, deleted: 0, failed: 0 },
    },
    {
      reason: 'a service scaled out of band: one update puts it back',
      change: async () => {
        await env.clients.ecs.send(
          new UpdateServiceCommand({ cluster: 'tiny-dev', service: 'worker', desiredCount: 3 }),
        );
      },
      counts: { created: 0, updated: 1, replaced: 0, deleted: 0, failed: 0 },
    },
  ])(
    '--output json is one typed ReconcileResult: $reason',
    async ({ change, counts }) => {
      await change();
      const result = await env.cli(['reconcile', '--once', '--stack', 'dev', '--output', 'json']);
      expect(result.code, result.err).toBe(0);
      const doc = JSON.parse(result.out) as ReconcileDoc;
      expect([doc.schemaVersion, doc.kind, doc.ok]).toEqual([1, 'ReconcileResult', true]);
      expect(doc.counts).toMatchObject(counts);
      expect(doc.counts.unchanged).toBe(doc.results.length - counts.updated);
      expect(doc.startedAt).toMatch(ISO);
      expect(doc.finishedAt).toMatch(ISO);
      expect(typeof doc.elapsedMs).toBe('number');
      expect([doc.health, doc.stats]).toEqual([null, null]);
      for (const r of doc.results) {
        expect(typeof r.durationMs).toBe('number');
        expect(r.error).toBeNull();
        expect(r.physicalId === null || typeof r.physicalId === 'string').toBe(true);
      }
      expect(doc.publicUrls.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
