import { describe, expect, it } from 'vitest';
import { looksSecret, parsePath, REDACTED, redactDelta, redactValue } from '../../../src/diff/redact.js';

describe('looksSecret', () => {
  it.each([
    { name: 'DB_PASSWORD', secret: true },
    { name: 'masterPassword', secret: true },
    { name: 'SECRET_KEY_BASE', secret: true },
    { name: 'GITHUB_TOKEN', secret: true },
    { name: 'API_KEY', secret: true },
    { name: 'apiKey', secret: true },
    { name: 'AWS_SECRET_ACCESS_KEY', secret: true },
    { name: 'BASIC_AUTH', secret: true },
    { name: 'DBPASSWORD', secret: true },
    { name: 'masterPasswordParameter', secret: false },
    { name: 'secretArn', secret: false },
    { name: 'KEY_NAME', secret: false },
    { name: 'MONKEY', secret: false },
    { name: 'AUTHOR', secret: false },
    { name: 'image', secret: false },
    { name: 'desiredCount', secret: false },
  ])('$name → $secret', ({ name, secret }) => {
    expect(looksSecret(name)).toBe(secret);
  });
});

describe('redactValue', () => {
  it.each([
    {
      reason: 'the value of an environment entry whose name looks secret',
      input: {
        environment: [
          { name: 'DB_PASSWORD', value: 'hunter2' },
          { name: 'PORT', value: '80' },
        ],
      },
      want: {
        environment: [
          { name: 'DB_PASSWORD', value: REDACTED },
          { name: 'PORT', value: '80' },
        ],
      },
    },
    {
      reason: 'a scalar under a secret-looking key',
      input: { masterPassword: 'hunter2', masterUsername: 'app' },
      want: { masterPassword: REDACTED, masterUsername: 'app' },
    },
    {
      reason: 'the password inside a URL anywhere',
      input: { value: 'postgres://app:hunter2@db:5432/app' },
      want: { value: `postgres://app:${REDACTED}@db:5432/app` },
    },
    {
      reason: 'nothing that only names a secret',
      input: { secrets: [{ name: 'DB_PASSWORD', valueFrom: '/stackctl/shop/prod/DB_PASSWORD' }] },
      want: { secrets: [{ name: 'DB_PASSWORD', valueFrom: '/stackctl/shop/prod/DB_PASSWORD' }] },
    },
  ])('hides $reason', ({ input, want }) => {
    expect(redactValue(input)).toEqual(want);
  });
});

describe('redactDelta', () => {
  const spec = { containerDefinitions: [{ environment: [{ name: 'API_TOKEN', value: 'new-secret' }] }] };
  const old = { containerDefinitions: [{ environment: [{ name: 'API_TOKEN', value: 'old-secret' }] }] };

  it.each([
    {
      reason: 'an env value found through its entry name',
      delta: {
        path: 'containerDefinitions[0].environment[0].value',
        desired: 'new-secret',
        observed: 'old-secret',
        replace: false,
      },
      want: { desired: REDACTED, observed: REDACTED },
    },
    {
      reason: 'a whole environment list',
      delta: {
        path: 'containerDefinitions[0].environment',
        desired: spec.containerDefinitions[0]?.environment,
        observed: undefined,
        replace: false,
      },
      want: { desired: [{ name: 'API_TOKEN', value: REDACTED }], observed: undefined },
    },
    {
      reason: 'a secret-looking tag',
      delta: { path: 'tags.DEPLOY_TOKEN', desired: 'abc', observed: 'def', replace: false },
      want: { desired: REDACTED, observed: REDACTED },
    },
  ])('hides $reason', ({ delta, want }) => {
    expect(redactDelta(delta, spec, old)).toMatchObject(want);
  });

  it('parses paths with indexes', () => {
    expect(parsePath('a.b[0][1].c')).toEqual(['a', 'b', 0, 1, 'c']);
  });
});
