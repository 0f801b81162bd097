import { describe, expect, it } from 'vitest';
import type { DesiredResource } from '../../../src/desired/resource-types.js';
import type { PlanStep } from '../../../src/diff/types.js';
import { clientToken } from '../../../src/reconcilers/client-token.js';
import { journalHooks } from '../../../src/reconcilers/state-hooks.js';
import type { IntentInput, Journal, JournalEntry } from '../../../src/state/index.js';

const spec = { domainName: 'shop.example.com', validationMethod: 'DNS' };
const T1 = '2026-12-06T10:00:00.000Z';
const T2 = '2026-12-06T10:20:00.000Z';

const desired: DesiredResource = {
  kind: 'acm.Certificate',
  logicalId: 'cert',
  name: 'shop.example.com',
  spec,
  tags: {},
  dependsOn: [],
};
const step: PlanStep = {
  logicalId: 'cert',
  kind: 'acm.Certificate',
  action: { type: 'create', desired },
  after: [],
};

function entry(pending?: { token: string; at: string }): JournalEntry {
  return {
    logicalId: 'cert',
    kind: 'acm.Certificate',
    name: 'shop.example.com',
    updatedAt: T1,
    ...(pending ? { createPending: pending } : {}),
  };
}

/** A journal that only records intents. */
function recordingJournal(): { journal: Journal; intents: IntentInput[] } {
  const intents: IntentInput[] = [];
  const journal = { recordIntent: async (_id: string, input: IntentInput) => void intents.push(input) };
  return { journal: journal as unknown as Journal, intents };
}

describe('client tokens per create generation', () => {
  it.each([
    {
      reason: 'a create retried after a crash reuses the journaled generation, so the same token',
      entries: [entry({ token: 'x', at: T1 })],
      now: T2,
      generation: T1,
    },
    {
      reason: 'a first create starts a generation at the current time',
      entries: [],
      now: T2,
      generation: T2,
    },
    {
      reason: 'an entry without a pending create (the resource was created) starts a new generation',
      entries: [entry()],
      now: T2,
      generation: T2,
    },
  ])('$reason', async ({ entries, now, generation }) => {
    const { journal, intents } = recordingJournal();
    const hooks = journalHooks(journal, entries, () => Date.parse(now));
    expect(hooks.createGeneration?.('cert')).toBe(generation);
    const token = clientToken('shop', 'prod', 'cert', spec, generation);
    await hooks.beforeCreate(step, token, generation);
    // The generation is journaled as the intent's time: the next pass reads it back.
    expect(intents).toEqual([{ kind: 'acm.Certificate', name: 'shop.example.com', token, at: generation }]);
  });

  it.each([
    { a: T1, b: T1, same: true, reason: 'one generation: every retry sends the same token' },
    { a: T1, b: T2, same: false, reason: 'destroyed and created again: a new token' },
    { a: undefined, b: undefined, same: true, reason: 'no journal: a pure function of resource and spec' },
  ])('$reason', ({ a, b, same }) => {
    const ta = clientToken('shop', 'prod', 'cert', spec, a);
    const tb = clientToken('shop', 'prod', 'cert', spec, b);
    expect(ta === tb).toBe(same);
    expect(ta).toMatch(/^[0-9a-f]{32}$/);
  });
});
