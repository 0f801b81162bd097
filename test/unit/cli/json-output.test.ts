import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatElapsed,
  formatPassOutcome,
  formatPassSummary,
  passCounts,
} from '../../../src/cli/commands/pass-summary.js';
import { formatReconcileOutcome } from '../../../src/cli/commands/reconcile.js';
import { type StatusRow, statusCells } from '../../../src/cli/commands/status.js';
import { jsonDocument } from '../../../src/cli/json-document.js';
import type { ApplyReport, StepResult } from '../../../src/reconcilers/engine-types.js';
import { cli } from './run-cli.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-json-'));
  writeFileSync(join(dir, 'compose.yaml'), 'name: shop\nservices:\n  web:\n    image: nginx:1.27\n');
  mkdirSync(join(dir, '.stackctl'));
  writeFileSync(join(dir, '.stackctl', 'dev.yaml'), 'region: eu-west-1\nmode: affordable\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every --output json names itself and is typed', () => {
  it.each([
    { reason: 'validate', argv: ['validate'], kind: 'ValidationResult', typed: { valid: true } },
    { reason: 'stacks ls', argv: ['stacks', 'ls'], kind: 'StackList', typed: {} },
    {
      reason: 'render',
      argv: ['render', '--stack', 'dev'],
      kind: 'RenderedStack',
      typed: { region: 'eu-west-1' },
    },
    {
      reason: 'render --explain',
      argv: ['render', '--stack', 'dev', '--explain'],
      kind: 'RenderExplanation',
      typed: {},
    },
  ])('$reason', async ({ argv, kind, typed }) => {
    const result = await cli(...argv, '-C', dir, '--output', 'json');
    expect(result.code, result.err).toBe(0);
    const doc = JSON.parse(result.out) as Record<string, unknown>;
    expect(Object.keys(doc).slice(0, 2)).toEqual(['schemaVersion', 'kind']);
    expect(doc).toMatchObject({ schemaVersion: 1, kind, ...typed });
  });

  it('stacks ls: absent domain is null, not a dash', async () => {
    const doc = JSON.parse((await cli('stacks', 'ls', '-C', dir, '--output', 'json')).out) as {
      stacks: { stack: string; domain: unknown }[];
    };
    expect(doc.stacks).toEqual([expect.objectContaining({ stack: 'dev', domain: null })]);
  });

  it.each([
    { reason: 'a body without a version gets 1', body: { a: 1 }, version: 1 },
    {
      reason: 'a versioned body keeps its own (drift reports are at 2)',
      body: { schemaVersion: 2, a: 1 },
      version: 2,
    },
  ])('jsonDocument: $reason', ({ body, version }) => {
    expect(jsonDocument('Plan', body)).toEqual({ schemaVersion: version, kind: 'Plan', a: 1 });
  });
});

const step = (
  action: StepResult['action'],
  status: StepResult['status'],
  id = `${action}-${status}`,
): StepResult => ({
  logicalId: id,
  kind: 'ecs.Service',
  action,
  status,
  durationMs: 5,
  ...(status === 'failed' ? { error: { name: 'AccessDenied', message: 'not allowed' } } : {}),
  ...(status === 'blocked' ? { message: 'blocked by db (failed)' } : {}),
});

function report(results: StepResult[], ok = true): ApplyReport {
  const summary = { applied: 0, failed: 0, blocked: 0, skipped: 0, conflict: 0, noop: 0 };
  for (const r of results) summary[r.status]++;
  return { project: 'shop', stack: 'dev', results, summary, ok, durationMs: 1 };
}

describe('reconcile summary', () => {
  it.each([
    {
      reason: 'counts applied steps by action, noops as unchanged',
      report: report([
        step('create', 'applied'),
        step('create', 'applied', 'b'),
        step('update', 'applied'),
        step('noop', 'noop'),
      ]),
      elapsedMs: 4200,
      text: 'Reconciled in 4.2s: 2 created, 1 updated, 0 replaced, 0 deleted, 0 failed (1 unchanged).\n',
    },
    {
      reason: 'a failure and the step it blocked: named after the summary with their reasons',
      report: report(
        [step('replace', 'applied'), step('create', 'failed'), step('update', 'blocked')],
        false,
      ),
      elapsedMs: 187_000,
      text: [
        'Failed in 3m 07s: 0 created, 0 updated, 1 replaced, 0 deleted, 1 failed (1 blocked, 0 unchanged).',
        '  ✗ ecs.Service create-failed: not allowed',
        '  - ecs.Service update-blocked: blocked by db (failed)',
        '',
      ].join('\n'),
    },
    {
      reason: 'deletes and steps skipped for data safety',
      report: report([step('delete', 'applied'), step('replace', 'skipped')]),
      elapsedMs: 60_000,
      text: 'Reconciled in 1m 00s: 0 created, 0 updated, 0 replaced, 1 deleted, 0 failed (1 skipped, 0 unchanged).\n',
    },
  ])('$reason', ({ report: r, elapsedMs, text }) => {
    expect(formatReconcileOutcome(r, elapsedMs, false)).toBe(text);
    expect(formatPassSummary(r, elapsedMs, true)).toContain('\u001b[');
  });

  const kept: StepResult = {
    ...step('delete', 'skipped', 'subnets/db'),
    kind: 'rds.DBSubnetGroup',
    message: 'kept: still used by db/main, which is kept for data safety',
  };

  it.each([
    {
      reason: 'destroy: deletes, failures and what it kept, no creates or updates',
      kind: 'destroy' as const,
      report: report([step('delete', 'applied'), step('delete', 'applied', 'b'), kept]),
      elapsedMs: 62_000,
      text: [
        'Destroyed in 1m 02s: 2 deleted, 0 failed (1 kept).',
        '  kept rds.DBSubnetGroup subnets/db: still used by db/main, which is kept for data safety',
        '',
      ].join('\n'),
    },
    {
      reason: 'destroy that failed: the failure and what it blocked are named',
      kind: 'destroy' as const,
      report: report([step('delete', 'failed'), step('delete', 'blocked')], false),
      elapsedMs: 4200,
      text: [
        'Failed in 4.2s: 0 deleted, 1 failed (0 kept, 1 blocked).',
        '  ✗ ecs.Service delete-failed: not allowed',
        '  - ecs.Service delete-blocked: blocked by db (failed)',
        '',
      ].join('\n'),
    },
    {
      reason: 'prune: deletes and the updates of what referenced them',
      kind: 'prune' as const,
      report: report([step('update', 'applied'), step('delete', 'applied')]),
      elapsedMs: 900,
      text: 'Pruned in 0.9s: 1 deleted, 1 updated, 0 failed (0 kept).\n',
    },
  ])('$reason', ({ kind, report: r, elapsedMs, text }) => {
    expect(formatPassOutcome(r, elapsedMs, false, kind)).toBe(text);
  });

  it.each([
    { reason: 'under a minute: tenths', ms: 950, text: '0.9s' },
    { reason: 'minutes: zero-padded seconds', ms: 61_400, text: '1m 01s' },
  ])('formatElapsed: $reason', ({ ms, text }) => {
    expect(formatElapsed(ms)).toBe(text);
  });

  it('passCounts counts conflicts as failed', () => {
    expect(passCounts(report([step('create', 'conflict')], false))).toMatchObject({ failed: 1, created: 0 });
  });
});

describe('status cells come from typed rows', () => {
  const base: StatusRow = {
    stack: 'dev',
    region: 'eu-west-1',
    sync: 'Synced',
    health: 'Healthy',
    specGeneration: null,
    observedGeneration: null,
    lastPass: null,
    services: null,
    perService: [],
    publicUrls: [],
    brokenEdges: [],
    error: null,
  };
  it.each([
    { reason: 'nothing known: dashes', row: base, cells: ['-', '-', '-'] },
    {
      reason: 'pushed and reconciled by the operator',
      row: {
        ...base,
        specGeneration: 4,
        observedGeneration: 3,
        lastPass: { at: '2030-01-01T00:00:00.000Z', result: 'success' },
        services: { running: 1, desired: 2 },
      },
      cells: ['4/3', '2030-01-01T00:00:00.000Z success', '1/2'],
    },
    { reason: 'pushed, never reconciled', row: { ...base, specGeneration: 2 }, cells: ['2', '-', '-'] },
  ])('$reason', ({ row, cells }) => {
    expect(statusCells(row).slice(4)).toEqual(cells);
  });
});
