/**
 * The SDK resolves endpoint, profile and retry settings itself; stackctl only sets what the user stated
 * explicitly (`--endpoint-url`, `--aws-profile`, options). Proven with small local HTTP servers that
 * record which one each call reached and how many attempts it made, and with an empty AWS setup for
 * the credential and connection messages.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClientOptions, createAwsClients, SDK_MAX_ATTEMPTS } from '../../../src/aws/clients.js';
import { AwsCallError, classifyAwsError, ServerFaultLimitError } from '../../../src/aws/errors.js';
import { RetryBudget } from '../../../src/aws/retry-budget.js';
import {
  AWS_ENDPOINT_UNREACHABLE,
  AWS_NO_CREDENTIALS,
  AwsEndpointUnreachableError,
  AwsNoCredentialsError,
  serviceEndpointEnvName,
} from '../../../src/aws/setup-errors.js';
import { describeError } from '../../../src/cli/output.js';
import { type FakeAws, startFakeAws } from '../../helpers/fake-aws-http.js';
import { freePort } from '../../helpers/moto.js';

let a: FakeAws;
let b: FakeAws;
let c: FakeAws;
let dir: string;
let closedPort: number;
const savedEnv = { ...process.env };
let fileCounter = 0;

/** A fresh AWS config file (the SDK caches files by path, so each row gets its own). */
function configFile(text: string): string {
  fileCounter += 1;
  const file = join(dir, `config-${fileCounter}`);
  writeFileSync(file, text);
  return file;
}

/** An AWS setup with nothing in it but `env`: no profile files, no metadata service. */
function isolatedEnv(env: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.AWS_CONFIG_FILE = configFile('');
  process.env.AWS_SHARED_CREDENTIALS_FILE = configFile('');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  Object.assign(process.env, env);
}

const KEYS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
/** Keys of a named profile (the chain skips the environment's keys once a profile is named). */
const PROFILE_KEYS = 'aws_access_key_id = testing\naws_secret_access_key = testing\n';

function clients(options: Partial<AwsClientOptions> = {}) {
  return createAwsClients({ region: 'eu-west-1', ...options });
}

async function failure(send: () => Promise<unknown>): Promise<unknown> {
  try {
    await send();
  } catch (err) {
    return err;
  }
  throw new Error('the call was expected to fail');
}

beforeAll(async () => {
  [a, b, c] = await Promise.all([startFakeAws(), startFakeAws(), startFakeAws()]);
  dir = mkdtempSync(join(tmpdir(), 'stackctl-aws-settings-'));
  closedPort = await freePort();
});

afterAll(async () => {
  await Promise.all([a.close(), b.close(), c.close()]);
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const f of [a, b, c]) {
    f.targets.length = 0;
    f.regions.length = 0;
    f.failing = false;
  }
});

afterEach(() => {
  process.env = { ...savedEnv };
});

describe('endpoint: the SDK resolves it, --endpoint-url beats everything', () => {
  it.each([
    {
      reason: 'AWS_ENDPOINT_URL_ECS beats AWS_ENDPOINT_URL for ECS; DynamoDB still follows AWS_ENDPOINT_URL',
      env: () => ({ AWS_ENDPOINT_URL: a.url, AWS_ENDPOINT_URL_ECS: b.url }),
      config: '',
      flag: () => undefined,
      ecs: () => b,
      dynamodb: () => a,
    },
    {
      reason: '--endpoint-url beats AWS_ENDPOINT_URL_ECS and AWS_ENDPOINT_URL',
      env: () => ({ AWS_ENDPOINT_URL: a.url, AWS_ENDPOINT_URL_ECS: b.url }),
      config: '',
      flag: () => c.url,
      ecs: () => c,
      dynamodb: () => c,
    },
    {
      reason: 'endpoint_url of the default profile in the AWS config file is honoured',
      env: () => ({}),
      config: `[default]\nendpoint_url = ${'A'}\n`,
      flag: () => undefined,
      ecs: () => a,
      dynamodb: () => a,
    },
    {
      reason: "a services section sends ECS elsewhere; the profile's endpoint_url still serves DynamoDB",
      env: () => ({}),
      config: `[default]\nendpoint_url = A\nservices = local\n\n[services local]\necs =\n  endpoint_url = B\n`,
      flag: () => undefined,
      ecs: () => b,
      dynamodb: () => a,
    },
    {
      reason: 'AWS_PROFILE picks the profile whose endpoint_url applies',
      env: () => ({ AWS_PROFILE: 'local' }),
      config: `[default]\nendpoint_url = A\n\n[profile local]\nendpoint_url = B\n${PROFILE_KEYS}`,
      flag: () => undefined,
      ecs: () => b,
      dynamodb: () => b,
    },
    {
      reason: '--aws-profile picks the profile whose endpoint_url applies, like AWS_PROFILE',
      env: () => ({}),
      config: `[default]\nendpoint_url = A\n\n[profile local]\nendpoint_url = B\n${PROFILE_KEYS}`,
      flag: () => undefined,
      profile: 'local',
      ecs: () => b,
      dynamodb: () => b,
    },
  ])('$reason', async ({ env, config, flag, ecs, dynamodb, ...row }) => {
    isolatedEnv({ ...KEYS, ...env() });
    process.env.AWS_CONFIG_FILE = configFile(config.replace(/\bA\b/g, a.url).replace(/\bB\b/g, b.url));
    const endpoint = flag();
    const profile = 'profile' in row ? row.profile : undefined;
    const bundle = clients({ ...(endpoint ? { endpoint } : {}), ...(profile ? { profile } : {}) });
    await bundle.ecs.send(new DescribeClustersCommand({}));
    await bundle.dynamodb.send(new ListTablesCommand({}));
    expect(ecs().targets).toContain('AmazonEC2ContainerServiceV20141113.DescribeClusters');
    expect(dynamodb().targets).toContain('DynamoDB_20120810.ListTables');
    // Nothing went anywhere else.
    const total = a.targets.length + b.targets.length + c.targets.length;
    expect(total).toBe(2);
  });

  it('names the variable the SDK reads per service, as @smithy/core builds it', () => {
    expect(serviceEndpointEnvName('Elastic Load Balancing v2')).toBe(
      'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
    );
    expect(serviceEndpointEnvName('ECS')).toBe('AWS_ENDPOINT_URL_ECS');
  });
});

describe('retry settings: AWS_MAX_ATTEMPTS / AWS_RETRY_MODE / the config file, else stackctl defaults', () => {
  it.each([
    {
      reason: 'nothing set: stackctl default',
      env: {},
      config: '',
      option: undefined,
      attempts: SDK_MAX_ATTEMPTS,
    },
    {
      reason: 'AWS_MAX_ATTEMPTS=1 is honoured',
      env: { AWS_MAX_ATTEMPTS: '1' },
      config: '',
      option: undefined,
      attempts: 1,
    },
    {
      reason: 'AWS_MAX_ATTEMPTS=5 is honoured',
      env: { AWS_MAX_ATTEMPTS: '5' },
      config: '',
      option: undefined,
      attempts: 5,
    },
    {
      reason: 'max_attempts of the profile in the config file is honoured',
      env: {},
      config: '[default]\nmax_attempts = 2\n',
      option: undefined,
      attempts: 2,
    },
    {
      reason: 'the environment beats the config file, as in the SDK',
      env: { AWS_MAX_ATTEMPTS: '4' },
      config: '[default]\nmax_attempts = 2\n',
      option: undefined,
      attempts: 4,
    },
    {
      reason: 'an explicit option beats the environment',
      env: { AWS_MAX_ATTEMPTS: '5' },
      config: '',
      option: 2,
      attempts: 2,
    },
  ])('$reason', async ({ env, config, option, attempts }) => {
    isolatedEnv({ ...KEYS, ...env, AWS_ENDPOINT_URL: a.url });
    process.env.AWS_CONFIG_FILE = configFile(config);
    a.failing = true;
    // CreateCluster is a mutation: only the SDK retries it, so the server counts the SDK's attempts.
    const bundle = clients(option === undefined ? {} : { maxAttempts: option });
    const err = await failure(() => bundle.ecs.send(new CreateClusterCommand({ clusterName: 'c' })));
    expect((err as Error).name).toBe('ServerException');
    expect(a.targets.filter((t) => t.endsWith('.CreateCluster'))).toHaveLength(attempts);
  });

  it.each([
    { reason: 'nothing set: adaptive (stackctl default)', env: {}, config: '', mode: 'adaptive' },
    {
      reason: 'AWS_RETRY_MODE=standard is honoured',
      env: { AWS_RETRY_MODE: 'standard' },
      config: '',
      mode: 'standard',
    },
    {
      reason: 'retry_mode of the profile is honoured',
      env: {},
      config: '[default]\nretry_mode = standard\n',
      mode: 'standard',
    },
  ])('$reason', async ({ env, config, mode }) => {
    isolatedEnv({ ...KEYS, ...env });
    process.env.AWS_CONFIG_FILE = configFile(config);
    const strategy = (await clients().ecs.config.retryStrategy()) as { mode?: string };
    expect(strategy.mode).toBe(mode);
  });
});

describe('no credentials: one message with what the chain tried and how to fix it', () => {
  it.each([
    {
      reason: 'no profile named: the environment keys were tried, the default profile read',
      profile: undefined as string | undefined,
      env: {},
      mustSay: [
        'profile "default"',
        'AWS_ACCESS_KEY_ID',
        '`aws configure`',
        'aws sso login --profile default',
      ],
    },
    {
      reason: '--aws-profile dev: the chain skipped the environment keys and read profile dev',
      profile: 'dev',
      env: {},
      mustSay: ['profile "dev"', 'skipped: profile "dev" is named', '`aws configure --profile dev`'],
    },
    {
      reason: 'AWS_PROFILE=ci is the profile the chain read',
      profile: undefined,
      env: { AWS_PROFILE: 'ci' },
      mustSay: ['profile "ci"', 'aws sso login --profile ci', '--aws-profile NAME'],
    },
  ])('$reason', async ({ profile, env, mustSay }) => {
    isolatedEnv({ ...env, AWS_ENDPOINT_URL: a.url });
    const bundle = clients(profile ? { profile } : {});
    const started = Date.now();
    const err = await failure(() => bundle.sts.send(new GetCallerIdentityCommand({})));
    expect(Date.now() - started).toBeLessThan(5_000); // the metadata service is not waited for
    expect(err).toBeInstanceOf(AwsNoCredentialsError);
    expect((err as AwsNoCredentialsError).code).toBe(AWS_NO_CREDENTIALS);
    const printed = describeError(err);
    for (const text of mustSay) expect(printed).toContain(text);
    expect(printed).toContain('sts:GetCallerIdentity');
    expect(printed).toContain('instance metadata (disabled)');
    expect(printed).not.toMatch(/\n\s+at /); // no stack trace
    expect(a.targets).toHaveLength(0); // nothing unsigned was sent
  });

  it('keeps its whole text when an applier wraps it as an AwsCallError', async () => {
    isolatedEnv({ AWS_ENDPOINT_URL: a.url });
    const err = await failure(() => clients().ecs.send(new DescribeClustersCommand({})));
    const wrapped = new AwsCallError({ service: 'ecs', operation: 'DescribeClusters', cause: err });
    expect(wrapped.message).toContain('fix: run `aws configure`');
    expect(wrapped.code).toBe(AWS_NO_CREDENTIALS);
  });
});

describe('unreachable endpoint: names the endpoint and the setting it came from', () => {
  /** One SDK attempt and no read retries: a refused connection fails at once. */
  const fast = { maxAttempts: 1, retryBudget: new RetryBudget(0) };

  it.each([
    {
      reason: '--endpoint-url to a closed port',
      env: (): Record<string, string> => ({}),
      flag: (): string | undefined => `http://127.0.0.1:${closedPort}`,
      config: (): string => '',
      endpoint: (): string => `http://127.0.0.1:${closedPort}`,
      source: '--endpoint-url',
      code: 'ECONNREFUSED',
    },
    {
      reason: 'AWS_ENDPOINT_URL_ECS to a closed port (AWS_ENDPOINT_URL would have worked)',
      env: (): Record<string, string> => ({
        AWS_ENDPOINT_URL: a.url,
        AWS_ENDPOINT_URL_ECS: `http://127.0.0.1:${closedPort}`,
      }),
      flag: (): string | undefined => undefined,
      config: (): string => '',
      endpoint: (): string => `http://127.0.0.1:${closedPort}`,
      source: 'AWS_ENDPOINT_URL_ECS',
      code: 'ECONNREFUSED',
    },
    {
      reason: 'AWS_ENDPOINT_URL to a host that does not exist',
      env: (): Record<string, string> => ({ AWS_ENDPOINT_URL: 'http://stackctl-no-such-host.invalid:4566' }),
      flag: (): string | undefined => undefined,
      config: (): string => '',
      endpoint: (): string => 'http://stackctl-no-such-host.invalid:4566',
      source: 'AWS_ENDPOINT_URL',
      code: 'ENOTFOUND',
    },
    {
      reason: 'endpoint_url in the AWS config file to a closed port',
      env: (): Record<string, string> => ({}),
      flag: (): string | undefined => undefined,
      config: (): string => `[default]\nendpoint_url = http://127.0.0.1:${closedPort}\n`,
      endpoint: (): string => `http://127.0.0.1:${closedPort}`,
      source: 'endpoint_url of profile "default"',
      code: 'ECONNREFUSED',
    },
  ])('$reason', async ({ env, flag, config, endpoint, source, code }) => {
    isolatedEnv({ ...KEYS, ...env() });
    process.env.AWS_CONFIG_FILE = configFile(config());
    const explicit = flag();
    const bundle = clients({ ...fast, ...(explicit ? { endpoint: explicit } : {}) });
    const err = await failure(() => bundle.ecs.send(new DescribeClustersCommand({})));
    expect(err).toBeInstanceOf(AwsEndpointUnreachableError);
    expect((err as AwsEndpointUnreachableError).code).toBe(AWS_ENDPOINT_UNREACHABLE);
    const printed = describeError(err);
    expect(printed).toContain(`cannot reach the AWS endpoint ${endpoint()} for ecs:DescribeClusters`);
    expect(printed).toContain(code);
    expect(printed).toContain(`the endpoint came from ${source}`);
    expect(printed).not.toMatch(/\n\s+at /);
    expect(a.targets).toHaveLength(0);
  });

  it('keeps the class of the network failure underneath (a refused connection stays retryable)', async () => {
    isolatedEnv({ ...KEYS });
    const bundle = clients({ ...fast, endpoint: `http://127.0.0.1:${closedPort}` });
    const err = await failure(() => bundle.ecs.send(new DescribeClustersCommand({})));
    expect(classifyAwsError(err)).toBe('busy');
    // After the step's bounded retries, the report is still the setup message, not "AWS kept failing".
    const limit = new ServerFaultLimitError(
      3,
      new AwsCallError({ service: 'ecs', operation: 'DescribeClusters', cause: err }),
    );
    expect(limit.code).toBe(AWS_ENDPOINT_UNREACHABLE);
    expect(limit.message).toMatch(/^cannot reach the AWS endpoint .*; gave up after 3 tries of the step$/);
    expect(limit.message).not.toContain('AWS kept failing');
  });
});
