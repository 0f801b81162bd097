import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadStackFile,
  SecretInStackFileError,
  StackFileError,
  secretReason,
} from '../../../../src/desired/stack/index.js';

// Built at runtime so no secret-shaped literal sits in the repository as one piece.
const AWS_KEY_ID = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const AWS_SECRET_KEY = ['wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'].join('');
const TOKEN = ['x9Kq2LmPz7Rt', 'V4bN8cWd3FhJ', '6sYgA1eU'].join('');
const PEM = ['-----BEGIN RSA ', 'PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA7\\n-----END RSA PRIVATE KEY-----'].join(
  '',
);
const DB_URL = ['postgres://app:', 'Sup3rS3cret', '@db.internal:5432/app'].join('');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-secrets-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function loadText(text: string) {
  const file = join(mkdtempSync(join(dir, 'case-')), 'prod.yaml');
  writeFileSync(file, text);
  return () => loadStackFile(file);
}

function caught(run: () => unknown): StackFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof StackFileError) return error;
    throw error;
  }
  throw new Error('expected loading to fail');
}

describe('secret-looking literals in stack files', () => {
  it.each([
    { reason: 'PASSWORD key with a value', key: 'DB_PASSWORD', value: 'hunter2-horse' },
    { reason: 'lower-case passwd key', key: 'smtp_passwd', value: 'letmein-now' },
    { reason: 'SECRET key', key: 'JWT_SECRET', value: 'not-so-random' },
    { reason: 'TOKEN key', key: 'GITHUB_TOKEN', value: 'gh-plain-value-1' },
    { reason: 'API_KEY key', key: 'STRIPE_API_KEY', value: 'sk-test-plain-5' },
    { reason: 'APIKEY key', key: 'MAPS_APIKEY', value: 'maps-plain-value-2' },
    { reason: 'PRIVATE_KEY key', key: 'SIGNING_PRIVATE_KEY', value: 'signing-plain-value-3' },
    { reason: 'CREDENTIALS key', key: 'GCP_CREDENTIALS', value: '{type: service-account-4}' },
    { reason: 'AWS access key id under a harmless name', key: 'UPLOAD_ID', value: AWS_KEY_ID },
    { reason: 'AWS secret access key under a harmless name', key: 'S3_CONFIG', value: AWS_SECRET_KEY },
    { reason: 'PEM private key block', key: 'SIGNING', value: PEM },
    { reason: 'URL with a password', key: 'DATABASE_URL', value: DB_URL },
    { reason: 'long high-entropy token', key: 'WEBHOOK', value: TOKEN },
    { reason: 'token inside a URL', key: 'HOOK_URL', value: `https://hooks.example.com/services/${TOKEN}` },
  ])('rejects $reason, says how to store it, never echoes it', ({ key, value }) => {
    for (const text of [
      `region: eu-west-1\nenv:\n  ${key}: "${value}"\n`,
      `region: eu-west-1\nservices:\n  web:\n    environment:\n      ${key}: "${value}"\n`,
    ]) {
      const error = caught(loadText(text));

      expect(error).toBeInstanceOf(SecretInStackFileError);
      expect(error.code).toBe('SECRET_IN_STACK_FILE');
      const problem = error.problems.find((p) => p.code === 'SECRET_IN_STACK_FILE');
      expect(problem?.field).toMatch(new RegExp(`(^env|environment)\\.${key}$`));
      expect(problem?.message).toContain(`stackctl config set ${key}`);
      for (const shown of [
        error.message,
        error.describe(),
        JSON.stringify(error),
        JSON.stringify(error.problems),
      ]) {
        expect(shown).not.toContain(value.replace(/\\n/g, '\n'));
        expect(shown).not.toContain(value);
      }
    }
  });

  it('still reports the other problems of the file next to the secret', () => {
    const error = caught(loadText(`region: eu-west-1\nmode: fast\nenv:\n  API_TOKEN: "${TOKEN}"\n`));

    expect(error.code).toBe('SECRET_IN_STACK_FILE');
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([
      ['STACK_FILE_INVALID', 'mode'],
      ['SECRET_IN_STACK_FILE', 'env.API_TOKEN'],
    ]);
  });

  it('does not quote a secret on a line with a YAML syntax error', () => {
    const error = caught(loadText(`region: eu-west-1\nenv:\n  X: "${TOKEN}\n  Y: [\n`));

    expect(error.code).toBe('STACK_FILE_INVALID');
    expect(error.message).not.toContain(TOKEN);
  });

  it.each([
    { reason: 'secret-named key left empty', key: 'DB_PASSWORD', value: '' },
    { reason: 'plain URL', key: 'API_URL', value: 'https://api.example.com/v1/orders/recent-items' },
    {
      reason: 'long lower-case path',
      key: 'STATIC_ROOT',
      value: '/srv/app/public/assets/images/thumbnails/large',
    },
    { reason: 'UUID', key: 'TENANT_ID', value: '123e4567-e89b-12d3-a456-426614174000' },
    {
      reason: 'image reference',
      key: 'SIDECAR_IMAGE',
      value: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:abc123',
    },
    { reason: 'feature flag', key: 'FEATURE_X', value: 'on' },
    {
      reason: 'sentence',
      key: 'GREETING',
      value: 'Welcome to the Shop, enjoy 10% off your first order today!',
    },
    { reason: 'URL with a user but no password', key: 'REPO', value: 'ssh://git@github.com/acme/shop.git' },
  ])('accepts $reason', ({ key, value }) => {
    expect(secretReason(key, value)).toBeUndefined();
    const sf = loadText(`region: eu-west-1\nenv:\n  ${key}: "${value}"\n`)();
    expect(sf.env[key]).toBe(value);
  });
});
