import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_RESYNC_MS,
  loadOperatorConfig,
  readOperatorConfig,
} from '../../../src/operator/config.js';

describe('readOperatorConfig', () => {
  it('applies the documented defaults', () => {
    const c = readOperatorConfig({ AWS_REGION: 'eu-west-1' });
    expect(c).toMatchObject({
      table: 'stackctl-state',
      region: 'eu-west-1',
      concurrency: DEFAULT_CONCURRENCY,
      pollMs: 10_000,
      resyncMs: DEFAULT_RESYNC_MS,
      resyncJitter: 0.1,
      rateShare: 0.8,
      leaseMs: 20_000,
      heartbeatMs: 5_000,
      backoffBaseMs: 1_000,
      backoffMaxMs: 300_000,
      port: 8080,
    });
    expect(c.owner).toMatch(/^.+:\d+:[0-9a-f]{8}$/);
  });

  it('reads seconds from the environment and prefers the table region', () => {
    const c = readOperatorConfig({
      AWS_REGION: 'us-east-1',
      STACKCTL_TABLE_REGION: 'eu-central-1',
      STACKCTL_TABLE: 'prod-state',
      STACKCTL_RESYNC_SECONDS: '120',
      STACKCTL_LEASE_SECONDS: '1.5',
      STACKCTL_HEARTBEAT_SECONDS: '0.5',
      STACKCTL_CONCURRENCY: '8',
      STACKCTL_OWNER: 'op-1',
      STACKCTL_RATE_SHARE: '0.4',
    });
    expect(c).toMatchObject({
      region: 'eu-central-1',
      table: 'prod-state',
      resyncMs: 120_000,
      leaseMs: 1_500,
      heartbeatMs: 500,
      concurrency: 8,
      owner: 'op-1',
      rateShare: 0.4,
    });
  });

  it.each([
    { reason: 'no region at all', env: {}, message: 'STACKCTL_TABLE_REGION' },
    {
      reason: 'a non-number',
      env: { AWS_REGION: 'x', STACKCTL_POLL_SECONDS: 'soon' },
      message: 'STACKCTL_POLL_SECONDS',
    },
    {
      reason: 'a heartbeat over half the lease',
      env: { AWS_REGION: 'x', STACKCTL_LEASE_SECONDS: '10', STACKCTL_HEARTBEAT_SECONDS: '6' },
      message: 'at most half the lease',
    },
    {
      reason: 'zero workers',
      env: { AWS_REGION: 'x', STACKCTL_CONCURRENCY: '0' },
      message: 'STACKCTL_CONCURRENCY',
    },
    {
      reason: 'a rate share of 0',
      env: { AWS_REGION: 'x', STACKCTL_RATE_SHARE: '0' },
      message: 'rate share',
    },
    {
      reason: 'a rate share over 1',
      env: { AWS_REGION: 'x', STACKCTL_RATE_SHARE: '1.5' },
      message: 'rate share',
    },
    { reason: 'jitter of 100 %', env: { AWS_REGION: 'x', STACKCTL_RESYNC_JITTER: '1' }, message: 'jitter' },
    {
      reason: 'an unparsable jitter',
      env: { AWS_REGION: 'x', STACKCTL_RESYNC_JITTER: 'lots' },
      message: 'jitter',
    },
    {
      reason: 'an unknown log level',
      env: { AWS_REGION: 'x', STACKCTL_LOG_LEVEL: 'chatty' },
      message: 'log level',
    },
  ])('refuses $reason', ({ env, message }) => {
    expect(() => readOperatorConfig(env)).toThrow(
      expect.objectContaining({ code: 'OPERATOR_CONFIG_INVALID', message: expect.stringContaining(message) }),
    );
  });
});

describe("loadOperatorConfig: the AWS profile's region last", () => {
  it.each([
    {
      reason: 'no region named anywhere: the default profile’s',
      env: {},
      overrides: {},
      read: [undefined],
      region: 'ap-south-1',
    },
    {
      reason: 'AWS_PROFILE names the profile read',
      env: { AWS_PROFILE: 'ops' },
      overrides: {},
      read: ['ops'],
      region: 'ap-south-1',
    },
    {
      reason: '--aws-profile beats AWS_PROFILE',
      env: { AWS_PROFILE: 'ops' },
      overrides: { profile: 'admin' },
      read: ['admin'],
      region: 'ap-south-1',
    },
    {
      reason: 'AWS_DEFAULT_REGION beats the profile, which is not read',
      env: { AWS_DEFAULT_REGION: 'eu-north-1' },
      overrides: {},
      read: [],
      region: 'eu-north-1',
    },
    {
      reason: '--region beats everything, the profile is not read',
      env: { AWS_PROFILE: 'ops' },
      overrides: { region: 'eu-west-1' },
      read: [],
      region: 'eu-west-1',
    },
  ])('$reason', async ({ env, overrides, read, region }) => {
    const asked: (string | undefined)[] = [];
    const config = await loadOperatorConfig(env, overrides, {
      readProfileRegion: async (profile) => {
        asked.push(profile);
        return 'ap-south-1';
      },
    });
    expect(config.region).toBe(region);
    expect(asked).toEqual(read);
  });

  it('still refuses to start when the profile has no region either', async () => {
    await expect(loadOperatorConfig({}, {}, { readProfileRegion: async () => undefined })).rejects.toThrow(
      expect.objectContaining({
        code: 'OPERATOR_CONFIG_INVALID',
        message: expect.stringContaining('profile'),
      }),
    );
  });
});
