import { describe, expect, it } from 'vitest';
import { canonicalize, sortedUnique, stableJson } from '../../../../src/desired/render/index.js';

describe('canonicalize', () => {
  it.each([
    {
      reason: 'sorts keys recursively',
      input: { b: 1, a: { d: 2, c: 3 } },
      expected: '{"a":{"c":3,"d":2},"b":1}',
    },
    { reason: 'drops undefined object values', input: { a: undefined, b: null }, expected: '{"b":null}' },
    { reason: 'drops undefined array entries', input: [1, undefined, 2], expected: '[1,2]' },
    { reason: 'keeps array order', input: ['b', 'a'], expected: '["b","a"]' },
    { reason: 'sorts keys inside arrays', input: [{ y: 1, x: 2 }], expected: '[{"x":2,"y":1}]' },
    { reason: 'passes primitives through', input: 'x', expected: '"x"' },
  ])('$reason', ({ input, expected }) => {
    expect(JSON.stringify(canonicalize(input))).toBe(expected);
    expect(stableJson(input)).toBe(expected);
  });

  it('gives the same bytes whatever the insertion order', () => {
    expect(stableJson({ a: 1, b: [{ c: 1, d: 2 }] })).toBe(stableJson({ b: [{ d: 2, c: 1 }], a: 1 }));
  });

  it('does not mutate its input', () => {
    const input = { b: 1, a: undefined };
    canonicalize(input);
    expect(Object.keys(input)).toEqual(['b', 'a']);
  });
});

describe('sortedUnique', () => {
  it.each([
    { reason: 'strings', input: ['b', 'a', 'b'], expected: ['a', 'b'] },
    {
      reason: 'refs by target',
      input: [
        { $ref: 'subnet/public-b', attr: 'id' },
        { $ref: 'subnet/public-a', attr: 'id' },
      ],
      expected: [
        { $ref: 'subnet/public-a', attr: 'id' },
        { $ref: 'subnet/public-b', attr: 'id' },
      ],
    },
    {
      reason: 'objects regardless of key order',
      input: [
        { b: 1, a: 2 },
        { a: 2, b: 1 },
      ],
      expected: [{ b: 1, a: 2 }],
    },
  ])('$reason', ({ input, expected }) => {
    expect(sortedUnique(input as readonly unknown[])).toEqual(expected);
  });
});
