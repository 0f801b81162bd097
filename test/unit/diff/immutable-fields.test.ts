import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESOURCE_KINDS, type ResourceKind } from '../../../src/desired/resource-types.js';
import { IMMUTABLE_FIELDS, replaceReason } from '../../../src/diff/immutable-fields.js';

/** The "(replace)" fields of each kind, read from the spec table of docs/resource-specs.md. */
function replaceFieldsFromDocs(): Map<string, string[]> {
  const doc = readFileSync(new URL('../../../docs/resource-specs.md', import.meta.url), 'utf8');
  const out = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const cells = line.replace(/\\\|/g, '/').split('|');
    const kind = /^ `([a-z0-9]+\.[A-Za-z]+)` $/.exec(cells[1] ?? '')?.[1];
    if (kind === undefined) continue;
    const fields = [...(cells[4] ?? '').matchAll(/(\w+)(?:\??:\s*[^,{}]*?)?\s*\(replace\)/g)].map(
      (m) => m[1] as string,
    );
    out.set(kind, fields.sort());
  }
  return out;
}

describe('IMMUTABLE_FIELDS', () => {
  it('matches the (replace) marks of docs/resource-specs.md for every kind', () => {
    const fromDocs = replaceFieldsFromDocs();

    expect([...fromDocs.keys()].sort()).toEqual([...RESOURCE_KINDS].sort());
    for (const kind of RESOURCE_KINDS) {
      expect({ kind, fields: [...IMMUTABLE_FIELDS[kind]].sort() }).toEqual({
        kind,
        fields: fromDocs.get(kind),
      });
    }
  });

  it.each([
    {
      reason: 'names each immutable field once',
      kind: 'elbv2.TargetGroup' as ResourceKind,
      deltas: [
        { path: 'port', desired: 8080, observed: 80, replace: true },
        { path: 'healthCheck.path', desired: '/h', observed: '/', replace: false },
      ],
      want: 'port cannot change in place',
    },
    {
      reason: 'collapses list elements to their field',
      kind: 'acm.Certificate' as ResourceKind,
      deltas: [
        { path: 'subjectAlternativeNames[0]', desired: 'a', observed: 'b', replace: true },
        { path: 'subjectAlternativeNames[1]', desired: 'c', observed: 'd', replace: true },
        { path: 'domainName', desired: 'x', observed: 'y', replace: true },
      ],
      want: 'subjectAlternativeNames, domainName cannot change in place',
    },
    {
      reason: 'is undefined when everything changes in place',
      kind: 'ecs.Service' as ResourceKind,
      deltas: [{ path: 'desiredCount', desired: 2, observed: 1, replace: false }],
      want: undefined,
    },
  ])('replaceReason $reason', ({ kind, deltas, want }) => {
    expect(replaceReason(kind, deltas)).toBe(want);
  });
});
