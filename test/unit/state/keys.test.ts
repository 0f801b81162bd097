import { describe, expect, it } from 'vitest';
import { StateKeyError } from '../../../src/state/errors.js';
import { eventSk, leaseKey, resourceKey, specKey, specsSortKey, statusKey } from '../../../src/state/keys.js';

describe('state keys', () => {
  it('lays out one stack under one partition and its lease under another', () => {
    expect(specKey('shop', 'prod')).toEqual({ pk: 'STACK#shop#prod', sk: 'SPEC' });
    expect(statusKey('shop', 'prod')).toEqual({ pk: 'STACK#shop#prod', sk: 'STATUS' });
    expect(resourceKey('shop', 'prod', 'service/web')).toEqual({
      pk: 'STACK#shop#prod',
      sk: 'RES#service/web',
    });
    expect(leaseKey('shop', 'prod')).toEqual({ pk: 'LEASE#shop#prod', sk: 'LEASE' });
    expect(eventSk('2025-01-01T00:00:00.000Z', 'ab12')).toBe('EVT#2025-01-01T00:00:00.000Z#ab12');
    expect(specsSortKey('shop', 'prod')).toBe('shop#prod');
  });

  it.each([
    { reason: 'a # in the project would split the key', build: () => specKey('sh#op', 'prod') },
    { reason: 'a # in the stack would split the key', build: () => leaseKey('shop', 'pr#od') },
    { reason: 'an empty stack', build: () => statusKey('shop', '') },
    { reason: 'an empty logical id', build: () => resourceKey('shop', 'prod', '') },
  ])('rejects $reason', ({ build }) => {
    expect(build).toThrow(StateKeyError);
  });
});
