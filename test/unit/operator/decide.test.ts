import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/operator/conditions.js';
import { type DecideInput, decidePass, type SpecPolicy } from '../../../src/operator/decide.js';
import type { StackSpecRecord, StackStatus } from '../../../src/state/index.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const RESYNC = 300_000;

function spec(overrides: Partial<StackSpecRecord> = {}): StackSpecRecord {
  return {
    project: 'shop',
    stack: 'dev',
    spec: {},
    generation: 3,
    paused: false,
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

function status(options: {
  generation?: number;
  synced?: ['True' | 'False' | 'Unknown', string];
  ready?: ['True' | 'False' | 'Unknown', string];
  finishedAgoMs?: number;
}): StackStatus {
  const [sStatus, sReason] = options.synced ?? ['True', 'ReconcileSuccess'];
  const [rStatus, rReason] = options.ready ?? ['True', 'Available'];
  const finished = new Date(NOW - (options.finishedAgoMs ?? RESYNC * 2)).toISOString();
  return buildStatus(
    undefined,
    {
      generation: options.generation ?? 3,
      synced: { status: sStatus, reason: sReason as never, message: '' },
      ready: { status: rStatus, reason: rReason as never, message: '' },
      lastPass: { startedAt: finished, finishedAt: finished, mutations: 0, result: 'success' },
    },
    NOW,
  );
}

const correct: SpecPolicy = { driftPolicy: 'correct', pushedAtMs: NOW - 60_000 };

function input(overrides: Partial<DecideInput>): DecideInput {
  return {
    spec: spec(),
    status: status({}),
    policy: correct,
    nowMs: NOW,
    resyncMs: RESYNC,
    resyncJitter: 0.1,
    ...overrides,
  };
}

describe('decidePass', () => {
  it.each([
    {
      reason: 'a new stack is applied',
      in: input({ status: undefined }),
      want: { action: 'apply', cause: 'generation' },
    },
    {
      reason: 'a new generation is applied',
      in: input({ status: status({ generation: 2 }) }),
      want: { action: 'apply', cause: 'generation' },
    },
    {
      reason: 'a new generation is applied even under warn',
      in: input({ status: status({ generation: 2 }), policy: { ...correct, driftPolicy: 'warn' } }),
      want: { action: 'apply', cause: 'generation' },
    },
    {
      reason: 'a failed generation is retried',
      in: input({ status: status({ synced: ['False', 'ReconcileError'], finishedAgoMs: 1_000 }) }),
      want: { action: 'apply', cause: 'retry' },
    },
    {
      reason: 'an unready stack is re-observed (correct: apply)',
      in: input({ status: status({ ready: ['False', 'Progressing'], finishedAgoMs: 1_000 }) }),
      want: { action: 'apply', cause: 'health' },
    },
    {
      reason: 'an unready stack is re-observed (warn: plan)',
      in: input({
        status: status({ ready: ['False', 'Progressing'] }),
        policy: { ...correct, driftPolicy: 'warn' },
      }),
      want: { action: 'plan', cause: 'health' },
    },
    {
      reason: 'a recent pass by any replica is left alone until due',
      in: input({ status: status({ finishedAgoMs: 60_000 }) }),
      want: { action: 'skip', cause: 'recent', requeueAfterMs: RESYNC * 0.9 - 60_000 },
    },
    {
      reason: 'a jittered wake-up 10 % early is still due',
      in: input({ status: status({ finishedAgoMs: RESYNC * 0.9 }) }),
      want: { action: 'apply', cause: 'resync' },
    },
    { reason: 'resync under correct applies', in: input({}), want: { action: 'apply', cause: 'resync' } },
    {
      reason: 'resync under warn only plans',
      in: input({ policy: { ...correct, driftPolicy: 'warn' } }),
      want: { action: 'plan', cause: 'resync' },
    },
    {
      reason: 'reported drift under warn stays plan-only',
      in: input({
        status: status({ synced: ['False', 'DriftDetected'] }),
        policy: { ...correct, driftPolicy: 'warn' },
      }),
      want: { action: 'plan', cause: 'resync' },
    },
    {
      reason: 'resync under ignore does nothing',
      in: input({ policy: { ...correct, driftPolicy: 'ignore' } }),
      want: { action: 'skip', cause: 'resync', requeueAfterMs: RESYNC },
    },
    {
      reason: 'a paused stack records the pause once',
      in: input({ spec: spec({ paused: true, generation: 4 }) }),
      want: { action: 'pause', cause: 'paused' },
    },
    {
      reason: 'a recorded pause is skipped',
      in: input({ spec: spec({ paused: true }), status: status({ synced: ['False', 'ReconcilePaused'] }) }),
      want: { action: 'skip', cause: 'paused' },
    },
    {
      reason: 'deletion beats pause',
      in: input({ spec: spec({ paused: true, deletionRequestedAt: '2026-01-01T11:00:00Z' }) }),
      want: { action: 'destroy', cause: 'deletion' },
    },
    {
      reason: 'an expired preview stack is expired',
      in: input({ policy: { ...correct, ttlSeconds: 30 } }),
      want: { action: 'expire', cause: 'ttl' },
    },
  ])('$reason', ({ in: given, want }) => {
    const { expiresAtMs: _e, ...got } = decidePass(given);
    expect(got).toEqual(want);
  });

  it('reports a preview stack’s expiry so the queue wakes up for it', () => {
    const decision = decidePass(
      input({ policy: { ...correct, ttlSeconds: 3_600 }, status: status({ finishedAgoMs: 1_000 }) }),
    );
    expect(decision.action).toBe('skip');
    expect(decision.expiresAtMs).toBe(correct.pushedAtMs + 3_600_000);
  });
});
