import { describe, expect, it } from 'vitest';
import { cleanName, NAME_LIMITS, physicalName } from '../../../../src/desired/render/index.js';
import { ecsName, envKey } from '../../../../src/desired/render/naming.js';

const parts = { project: 'shop', stack: 'prod', name: 'checkout-api', kind: 'tg' };

describe('physicalName', () => {
  it.each([
    { reason: 'ALB limit', max: NAME_LIMITS['elbv2.LoadBalancer'] },
    { reason: 'target group limit', max: NAME_LIMITS['elbv2.TargetGroup'] },
    { reason: 'ElastiCache limit', max: NAME_LIMITS['elasticache.ReplicationGroup'] },
    { reason: 'RDS limit', max: NAME_LIMITS['rds.DBInstance'] },
    { reason: 'IAM role limit', max: NAME_LIMITS['iam.Role'] },
    { reason: 'tiny limit', max: 8 },
  ])('fits the $reason ($max) even for very long inputs', ({ max }) => {
    const long = { project: 'a'.repeat(80), stack: 'b'.repeat(80), name: 'c'.repeat(80), kind: 'tg' };
    const name = physicalName(long, max);
    expect(name.length).toBeLessThanOrEqual(max);
    expect(name).toMatch(/^[a-z][a-z0-9-]*-[0-9a-f]{6}$/);
  });

  it.each([
    {
      reason: 'uppercase and underscores are sanitized',
      input: { ...parts, name: 'Checkout_API' },
      base: 'shop-prod-checkout-api-',
    },
    {
      reason: 'a leading digit gets a letter',
      input: { ...parts, project: '9lives' },
      base: 'r9lives-prod-checkout-api-',
    },
    { reason: 'repeated separators collapse', input: { ...parts, name: 'a..__--b' }, base: 'shop-prod-a-b-' },
    { reason: 'a leading dash is dropped', input: { ...parts, project: '-x' }, base: 'x-prod-checkout-api-' },
  ])('$reason', ({ input, base }) => {
    const name = physicalName(input, 63);
    expect(name.startsWith(base)).toBe(true);
    expect(name).not.toMatch(/--|-$/);
  });

  it('never starts with internal- (ALB rule), even after truncation', () => {
    const name = physicalName({ project: 'internal', stack: 'x', name: 'y', kind: 'alb' }, 32);
    expect(name.startsWith('internal-')).toBe(false);
    expect(name).toMatch(/^i-x-y-[0-9a-f]{6}$/);
    const truncated = physicalName(
      { project: 'internal', stack: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', name: 'y', kind: 'alb' },
      16,
    );
    expect(truncated.startsWith('internal-')).toBe(false);
    expect(truncated.length).toBeLessThanOrEqual(16);
  });

  it('leaves no trailing dash when truncation cuts at a separator', () => {
    // room for the base is 32 - 7 = 25: "shop-prod-aaaaaaaaaaaaaaa-" would end at the dash.
    const name = physicalName(
      { project: 'shop', stack: 'prod', name: `${'a'.repeat(15)}-bbbb`, kind: 'tg' },
      32,
    );
    expect(name).toMatch(/^shop-prod-a{15}-[0-9a-f]{6}$/);
  });

  it('is deterministic', () => {
    expect(physicalName(parts, 32, 'HTTP:80')).toBe(physicalName({ ...parts }, 32, 'HTTP:80'));
  });

  it.each([
    { reason: 'another stack', other: { ...parts, stack: 'prod2' }, immutable: '' },
    { reason: 'another project', other: { ...parts, project: 'shop2' }, immutable: '' },
    { reason: 'another kind', other: { ...parts, kind: 'alb' }, immutable: '' },
    { reason: 'names that sanitize alike', other: { ...parts, name: 'checkout_api' }, immutable: '' },
    {
      reason: 'changed immutable properties (replacement gets a new name)',
      other: parts,
      immutable: 'HTTP:81',
    },
  ])('differs for $reason', ({ other, immutable }) => {
    expect(physicalName(other, 32, immutable)).not.toBe(physicalName(parts, 32));
  });

  it('keeps names unique after truncation when only the tail differs', () => {
    const a = physicalName({ ...parts, name: `${'x'.repeat(40)}-a` }, 32);
    const b = physicalName({ ...parts, name: `${'x'.repeat(40)}-b` }, 32);
    expect(a.slice(0, 25)).toBe(b.slice(0, 25));
    expect(a).not.toBe(b);
  });

  it('refuses a limit too short for a letter and the hash', () => {
    expect(() => physicalName(parts, 7)).toThrow(RangeError);
  });
});

describe('naming helpers', () => {
  it.each([
    { reason: 'valid ECS names stay readable', readable: 'shop-prod-web', hashed: false },
    { reason: 'dots are not valid in ECS names', readable: 'shop-prod-web.v2', hashed: true },
    { reason: 'ECS names are capped at 255', readable: 'x'.repeat(256), hashed: true },
  ])('ecsName: $reason', ({ readable, hashed }) => {
    const name = ecsName({ project: 'shop', stack: 'prod', name: readable, kind: 'service' }, readable);
    expect(name === readable).toBe(!hashed);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
  });

  it.each([
    { input: 'My App', expected: 'my-app' },
    { input: '--a__b--', expected: 'a-b' },
    { input: 'ÄÖ', expected: '' },
  ])('cleanName($input) is "$expected"', ({ input, expected }) => {
    expect(cleanName(input)).toBe(expected);
  });

  it('envKey uppercases and replaces separators', () => {
    expect(envKey('my-db.main')).toBe('MY_DB_MAIN');
  });
});
