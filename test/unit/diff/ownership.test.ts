import { describe, expect, it } from 'vitest';
import { MANAGED_BY, TAG_KEYS } from '../../../src/desired/resource-types.js';
import { ownershipOf } from '../../../src/desired/tags.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import type { ObservedResource } from '../../../src/observed/types.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const FULL = {
  [TAG_KEYS.managedBy]: MANAGED_BY,
  [TAG_KEYS.project]: PROJECT,
  [TAG_KEYS.stack]: STACK,
  [TAG_KEYS.logicalId]: 'log/old',
};
const without = (...keys: string[]) =>
  Object.fromEntries(Object.entries(FULL).filter(([k]) => !keys.includes(k))) as Record<string, string>;

/** A log group nothing renders any more, carrying exactly `tags`. */
function orphan(tags: Record<string, string>): ObservedResource {
  return {
    ...observed('logs.LogGroup', 'log/old', { logGroupName: '/stackctl/shop/prod/old' }),
    physicalId: '/stackctl/shop/prod/old',
    tags,
  };
}

const CASES = [
  {
    reason: 'all four ownership tags: the stack owns it',
    tags: FULL,
    ownership: 'owned',
    removal: 'delete',
  },
  {
    reason: 'only project and stack (the hand-made log group of issue 10)',
    tags: without(TAG_KEYS.managedBy, TAG_KEYS.logicalId),
    ownership: 'partial',
    removal: 'skip',
  },
  {
    reason: 'no logical id',
    tags: without(TAG_KEYS.logicalId),
    ownership: 'partial',
    removal: 'skip',
  },
  {
    reason: 'no managed-by',
    tags: without(TAG_KEYS.managedBy),
    ownership: 'partial',
    removal: 'skip',
  },
  {
    reason: 'managed-by names another tool',
    tags: { ...FULL, [TAG_KEYS.managedBy]: 'terraform' },
    ownership: 'partial',
    removal: 'skip',
  },
  {
    reason: 'an empty logical id',
    tags: { ...FULL, [TAG_KEYS.logicalId]: '' },
    ownership: 'partial',
    removal: 'skip',
  },
  {
    reason: "another stack's resource",
    tags: { ...FULL, [TAG_KEYS.stack]: 'dev' },
    ownership: 'foreign',
    removal: undefined,
  },
  {
    reason: 'untagged',
    tags: {},
    ownership: 'foreign',
    removal: undefined,
  },
] as const;

describe('ownership: one rule for what is the stack’s', () => {
  it.each(CASES)('ownershipOf → $ownership ($reason)', ({ tags, ownership }) => {
    expect(ownershipOf(tags, PROJECT, STACK).kind).toBe(ownership);
  });

  it.each(CASES)('removed from the render → $removal ($reason)', ({ tags, removal }) => {
    for (const plan of [
      // reconcile and prune plan with what is still rendered; destroy plans with nothing rendered.
      planStack({ project: PROJECT, stack: STACK, desired: [], observed: [orphan(tags)] }),
      planStack({
        project: PROJECT,
        stack: STACK,
        desired: [desired('logs.LogGroup', 'log/web', { logGroupName: '/stackctl/shop/prod/web' })],
        observed: [orphan(tags)],
      }),
    ]) {
      const step = plan.steps.find((s) => s.kind === 'logs.LogGroup' && s.logicalId !== 'log/web');
      expect(step?.action.type).toBe(removal);
      expect(plan.summary.delete).toBe(removal === 'delete' ? 1 : 0);
      if (removal === 'skip') {
        expect(step?.action.type === 'skip' && step.action.reason).toMatch(
          /carries this stack's stackctl:project and stackctl:stack tags but not .*never modified or deleted/,
        );
      }
    }
  });

  it.each(CASES.filter((c) => c.ownership !== 'owned'))(
    'still rendered but only partly or not ours → conflict, never an update ($reason)',
    ({ tags }) => {
      const plan = planStack({
        project: PROJECT,
        stack: STACK,
        desired: [desired('logs.LogGroup', 'log/old', { logGroupName: '/stackctl/shop/prod/old' })],
        observed: [
          { ...orphan(tags), spec: { logGroupName: '/stackctl/shop/prod/old', retentionInDays: 7 } },
        ],
      });
      expect(plan.steps.map((s) => s.action.type)).toEqual(['conflict']);
    },
  );
});
