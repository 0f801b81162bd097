import { describe, expect, it } from 'vitest';
import {
  DriftIgnoreSyntaxError,
  ignoresField,
  ignoresResource,
  parseDriftIgnore,
} from '../../../../src/diff/drift/index.js';

const FILE = '.stackctl/driftignore';

describe('parseDriftIgnore', () => {
  it('reads rules, skipping blank lines and comments, keeping each rule as written with its line', () => {
    const rules = parseDriftIgnore(
      [
        '# scaled by hand',
        '',
        'ecs.Service:service/web:desiredCount   # ops',
        '  logs.LogGroup:log/*  ',
        'ec2.*:*:tags.aws:cloudformation:stack-name',
      ].join('\n'),
      FILE,
    );
    expect(rules.map((r) => [r.text, r.source])).toEqual([
      ['ecs.Service:service/web:desiredCount', `${FILE}:3`],
      ['logs.LogGroup:log/*', `${FILE}:4`],
      ['ec2.*:*:tags.aws:cloudformation:stack-name', `${FILE}:5`],
    ]);
  });

  it.each([
    { reason: 'no colon', line: 'ecs.Service', error: 'missing ":" between kind and logical id' },
    { reason: 'an empty kind', line: ':service/web', error: 'the kind is empty' },
    { reason: 'an empty logical id', line: 'ecs.Service:', error: 'the logical id is empty' },
    { reason: 'an empty field', line: 'ecs.Service:service/web:', error: 'the field is empty' },
    { reason: 'an unknown kind', line: 'ecs.Servce:service/web', error: 'unknown kind "ecs.Servce"' },
    {
      reason: 'a space inside',
      line: 'ecs.Service:service/web desiredCount',
      error: 'a rule holds no spaces',
    },
    { reason: 'odd characters', line: 'ecs.Service:service/web:"x"', error: 'holds characters' },
  ])('rejects $reason with file:line', ({ line, error }) => {
    const text = `# header\necs.Service:service/api\n${line}\n`;
    let thrown: unknown;
    try {
      parseDriftIgnore(text, FILE);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DriftIgnoreSyntaxError);
    const e = thrown as DriftIgnoreSyntaxError;
    expect(e.code).toBe('DRIFTIGNORE_INVALID');
    expect(e.describe()).toMatch(
      new RegExp(`^\\.stackctl/driftignore:3: .*${error.replace(/[.*"()]/g, '\\$&')}`),
    );
  });
});

describe('matching', () => {
  const [field, whole, wild] = parseDriftIgnore(
    'elbv2.TargetGroup:tg/web-80:healthCheck\nlogs.LogGroup:log/*\n*:*:tags.team\n',
    FILE,
  );

  it.each([
    { reason: 'the field itself', path: 'healthCheck', hit: true },
    { reason: 'a field below it', path: 'healthCheck.path', hit: true },
    { reason: 'an index below it', path: 'healthCheck[0]', hit: true },
    { reason: 'a field that only starts the same', path: 'healthCheckEnabled', hit: false },
    { reason: 'another field', path: 'port', hit: false },
  ])('a field rule covers $reason: $hit', ({ path, hit }) => {
    expect(field && ignoresField(field, 'elbv2.TargetGroup', 'tg/web-80', path)).toBe(hit);
    expect(field && ignoresField(field, 'elbv2.TargetGroup', 'tg/api-80', path)).toBe(false);
  });

  it('a rule without a field covers whole resources, wildcards any run of characters', () => {
    expect(whole && ignoresResource(whole, 'logs.LogGroup', 'log/web')).toBe(true);
    expect(whole && ignoresResource(whole, 'logs.LogGroup', 'x/log/web')).toBe(false);
    expect(whole && ignoresField(whole, 'logs.LogGroup', 'log/web', 'retentionInDays')).toBe(false);
    expect(wild && ignoresField(wild, 'ecs.Service', 'service/web', 'tags.team')).toBe(true);
    expect(wild && ignoresResource(wild, 'ecs.Service', 'service/web')).toBe(false);
  });
});
