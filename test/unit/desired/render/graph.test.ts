import { describe, expect, it } from 'vitest';
import { RenderError, validateGraph } from '../../../../src/desired/render/index.js';
import type { DesiredResource, Spec } from '../../../../src/desired/resource-types.js';
import { ref } from '../../../../src/desired/resource-types.js';

function res(logicalId: string, dependsOn: string[] = [], spec: Spec = {}): DesiredResource {
  return { kind: 'ec2.Subnet', logicalId, name: logicalId, spec, tags: {}, dependsOn };
}

describe('validateGraph', () => {
  it('accepts an acyclic graph whose refs are all dependencies', () => {
    expect(() =>
      validateGraph([
        res('vpc'),
        res('subnet', ['vpc'], { vpcId: ref('vpc', 'id') }),
        res('rt', ['subnet', 'vpc']),
      ]),
    ).not.toThrow();
  });

  it.each([
    {
      reason: 'an unknown dependency',
      resources: [res('a', ['ghost'])],
      message: 'unknown resource "ghost"',
    },
    { reason: 'a self-loop', resources: [res('a', ['a'])], message: 'dependency cycle: a -> a' },
    {
      reason: 'a longer cycle',
      resources: [res('a', ['b']), res('b', ['c']), res('c', ['a'])],
      message: 'dependency cycle: a -> b -> c -> a',
    },
    {
      reason: 'a ref that is not a dependency',
      resources: [res('vpc'), res('subnet', [], { nested: [{ vpcId: ref('vpc', 'id') }] })],
      message: 'refers to "vpc" without depending on it',
    },
    {
      reason: 'a ref to an unknown resource',
      resources: [res('subnet', [], { vpcId: ref('vpc', 'id') })],
      message: 'ref to unknown resource "vpc"',
    },
    { reason: 'a duplicate logical id', resources: [res('a'), res('a')], message: 'duplicate logical id' },
  ])('rejects $reason', ({ resources, message }) => {
    let caught: unknown;
    try {
      validateGraph(resources);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RenderError);
    const error = caught as RenderError;
    expect(error.code).toBe('RENDER_INVALID');
    expect(error.problems.map((p) => p.message)).toContain(message);
  });
});
