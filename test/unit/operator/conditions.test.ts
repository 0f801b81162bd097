import { describe, expect, it } from 'vitest';
import { buildStatus, isConverged, worstHealth } from '../../../src/operator/conditions.js';

describe('conditions', () => {
  it.each([
    { reason: 'no resources is healthy', values: [], want: 'Healthy' },
    { reason: 'the worst child wins', values: ['Healthy', 'Progressing', 'Missing'], want: 'Missing' },
    { reason: 'degraded beats everything', values: ['Missing', 'Degraded', 'Unknown'], want: 'Degraded' },
    { reason: 'unknown beats healthy', values: ['Healthy', 'Unknown'], want: 'Unknown' },
  ] as const)('$reason', ({ values, want }) => {
    expect(worstHealth(values)).toBe(want);
  });

  it('keeps lastTransitionTime while a condition keeps its status, and truncates long messages', () => {
    const t1 = Date.parse('2026-01-01T00:00:00Z');
    const first = buildStatus(
      undefined,
      {
        generation: 1,
        synced: { status: 'True', reason: 'ReconcileSuccess', message: '' },
        ready: { status: 'False', reason: 'Progressing', message: 'x'.repeat(2_000) },
      },
      t1,
    );
    expect(first.conditions.Ready.message).toHaveLength(500);
    const second = buildStatus(
      first,
      {
        generation: 2,
        synced: { status: 'True', reason: 'ReconcileSuccess', message: 'again' },
        ready: { status: 'True', reason: 'Available', message: '' },
      },
      t1 + 60_000,
    );
    expect(second.conditions.Synced.lastTransitionTime).toBe('2026-01-01T00:00:00.000Z');
    expect(second.conditions.Ready.lastTransitionTime).toBe('2026-01-01T00:01:00.000Z');
    expect(second.conditions.Synced.observedGeneration).toBe(2);
    expect(isConverged(second, 2)).toBe(true);
    expect(isConverged(second, 3)).toBe(false);
    expect(isConverged(first, 1)).toBe(false);
  });
});
