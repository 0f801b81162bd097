import { describe, expect, it } from 'vitest';
import {
  formatPassTrailer,
  leaseViolations,
  type PassRecord,
  parsePassTrailer,
  passRecords,
} from '../../../src/operator/pass-record.js';

const pass = (fence: number, owner: string, startedAt: string, finishedAt: string): PassRecord => ({
  fence,
  owner,
  startedAt: `2026-01-01T00:00:${startedAt}Z`,
  finishedAt: `2026-01-01T00:00:${finishedAt}Z`,
});

describe('pass records', () => {
  it('round-trip through an event message', () => {
    const record = pass(7, 'host:12:ab', '01.000', '02.500');
    const message = `applied 3 changes ${formatPassTrailer(record)}`;
    expect(parsePassTrailer(message)).toEqual(record);
    expect(parsePassTrailer('generation 2 pushed by me')).toBeUndefined();
  });

  it('are read from events oldest first, skipping other events', () => {
    const events = [
      {
        at: 'x',
        type: 'Normal' as const,
        reason: 'InSync',
        message: `ok ${formatPassTrailer(pass(2, 'b', '05.000', '06.000'))}`,
      },
      { at: 'x', type: 'Normal' as const, reason: 'Pushed', message: 'generation 1 pushed by me' },
      {
        at: 'x',
        type: 'Normal' as const,
        reason: 'Applied',
        message: `ok ${formatPassTrailer(pass(1, 'a', '01.000', '03.000'))}`,
      },
    ];
    expect(passRecords(events).map((r) => r.fence)).toEqual([1, 2]);
  });

  it.each([
    {
      reason: 'sequential passes with rising fences are sound',
      records: [
        pass(1, 'a', '01.000', '02.000'),
        pass(2, 'b', '02.000', '03.000'),
        pass(4, 'a', '05.000', '06.000'),
      ],
      problems: 0,
    },
    {
      reason: 'a fence used twice is a violation',
      records: [pass(1, 'a', '01.000', '02.000'), pass(1, 'b', '03.000', '04.000')],
      problems: 1,
    },
    {
      reason: 'overlapping passes are a violation',
      records: [pass(1, 'a', '01.000', '04.000'), pass(2, 'b', '03.000', '05.000')],
      problems: 1,
    },
    {
      reason: 'a newer fence that ran earlier is a violation',
      records: [pass(2, 'a', '01.000', '02.000'), pass(3, 'b', '00.500', '00.900')],
      problems: 1,
    },
  ])('$reason', ({ records, problems }) => {
    expect(leaseViolations(records)).toHaveLength(problems);
  });
});
