import { describe, expect, it } from 'vitest';
import { StackctlError } from '../../../src/errors.js';
import { jsonLogger } from '../../../src/operator/logger.js';

describe('jsonLogger', () => {
  it('writes one JSON object per line with time, level, message, base and fields', () => {
    const lines: string[] = [];
    const log = jsonLogger({ write: (l) => lines.push(l), now: () => 0, base: { owner: 'op-1' } });
    log.info('pass finished', { stack: 'shop/dev', fence: 3 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'info',
        msg: 'pass finished',
        owner: 'op-1',
        stack: 'shop/dev',
        fence: 3,
      },
    ]);
  });

  it('drops lines below the level and writes errors as name, code and message only', () => {
    const lines: string[] = [];
    const log = jsonLogger({ level: 'warn', write: (l) => lines.push(l) });
    log.info('hidden');
    log.warn('lease lost', {
      error: new StackctlError('LEASE_LOST', 'gone', { cause: new Error('raw sdk data') }),
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry.error).toEqual({ name: 'StackctlError', message: 'gone', code: 'LEASE_LOST' });
    expect(lines[0]).not.toContain('raw sdk data');
  });
});
