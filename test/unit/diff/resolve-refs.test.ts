import { describe, expect, it } from 'vitest';
import { ref, type Spec } from '../../../src/desired/resource-types.js';
import { collectRefs, resolveRefs, resolveRefsPartial } from '../../../src/diff/resolve-refs.js';

const outputs = new Map([
  ['vpc', { id: 'vpc-1' }],
  ['sg/alb', { id: 'sg-9' }],
  ['db/main', { port: 5432 }],
]);

describe('resolveRefs', () => {
  it('replaces refs at any depth, keeping numbers as numbers', () => {
    const spec: Spec = {
      vpcId: ref('vpc', 'id'),
      ingress: [{ fromPort: ref('db/main', 'port'), sourceSecurityGroupId: ref('sg/alb', 'id') }],
      name: 'x',
    };

    expect(resolveRefs(spec, outputs)).toEqual({
      resolved: { vpcId: 'vpc-1', ingress: [{ fromPort: 5432, sourceSecurityGroupId: 'sg-9' }], name: 'x' },
    });
  });

  it.each([
    {
      reason: 'the dependency has no outputs yet',
      spec: { a: ref('tg/web', 'arn') },
      missing: [{ logicalId: 'tg/web', attr: 'arn' }],
    },
    {
      reason: 'the attribute is not among its outputs',
      spec: { a: ref('vpc', 'arn') },
      missing: [{ logicalId: 'vpc', attr: 'arn' }],
    },
    {
      reason: 'the same missing ref is reported once',
      spec: { a: ref('x', 'id'), b: [ref('x', 'id')] },
      missing: [{ logicalId: 'x', attr: 'id' }],
    },
  ])('reports what is missing when $reason', ({ spec, missing }) => {
    expect(resolveRefs(spec as Spec, outputs)).toEqual({ missing });
  });

  it('partially resolves, leaving unknown refs in place', () => {
    const result = resolveRefsPartial({ vpcId: ref('vpc', 'id'), tg: ref('tg/web', 'arn') }, outputs);

    expect(result.spec).toEqual({ vpcId: 'vpc-1', tg: ref('tg/web', 'arn') });
    expect(result.missing).toEqual([{ logicalId: 'tg/web', attr: 'arn' }]);
  });

  it('collects every ref in document order', () => {
    const refs = collectRefs({ a: ref('vpc', 'id'), b: [{ c: ref('sg/alb', 'id') }], d: 1 });

    expect(refs.map((r) => r.$ref)).toEqual(['vpc', 'sg/alb']);
  });
});
