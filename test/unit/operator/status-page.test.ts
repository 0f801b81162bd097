import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/operator/conditions.js';
import { renderStatusPage, type StackView, stackState } from '../../../src/operator/status-page.js';

const spec = { project: 'shop', stack: 'dev', spec: {}, generation: 2, paused: false, updatedAt: 'x' };
const ok = buildStatus(
  undefined,
  {
    generation: 2,
    synced: { status: 'True', reason: 'ReconcileSuccess', message: '' },
    ready: { status: 'True', reason: 'Available', message: '' },
  },
  0,
);

describe('status page', () => {
  it.each([
    { reason: 'converged', view: { spec, status: ok }, want: 'Ready' },
    { reason: 'never passed', view: { spec, status: undefined }, want: 'Pending' },
    {
      reason: 'a newer generation pushed',
      view: { spec: { ...spec, generation: 3 }, status: ok },
      want: 'Pending',
    },
    { reason: 'paused', view: { spec: { ...spec, paused: true }, status: ok }, want: 'Paused' },
    {
      reason: 'being deleted',
      view: { spec: { ...spec, deletionRequestedAt: 'x' }, status: ok },
      want: 'Deleting',
    },
  ] as { reason: string; view: StackView; want: string }[])('shows $reason as $want', ({ view, want }) => {
    expect(stackState(view)).toBe(want);
  });

  it('escapes everything that comes from the table', () => {
    const evil = buildStatus(
      undefined,
      {
        generation: 2,
        synced: { status: 'False', reason: 'ReconcileError', message: '<script>alert(1)</script>' },
        ready: { status: 'Unknown', reason: 'Unknown', message: '' },
      },
      0,
    );
    const html = renderStatusPage([{ spec, status: evil, leaseOwner: '"><img src=x>' }], {
      owner: 'op',
      now: new Date(0),
    });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('says how to add a stack when there is none', () => {
    expect(renderStatusPage([], { owner: 'op', now: new Date(0) })).toContain('stackctl push --stack');
  });
});
