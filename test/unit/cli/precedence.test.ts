/**
 * One precedence for every setting that has both a flag and an environment variable: flags >
 * environment > defaults (the stack file sits between the environment and the defaults where it names
 * the setting; its region is the exception documented on `resolveRegion`: it beats the ambient
 * `AWS_REGION`, so a shell's region never moves a stack). Each row resolves the value the way the
 * command does (flags parsed by the CLI's own `flagsFromOptions`) and asserts what it resolved to, with
 * the flag and the variable both set, with only the variable, and with neither.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { HttpRequest } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallStats } from '../../../src/aws/index.js';
import { flagsFromOptions, type OptionValues } from '../../../src/cli/args.js';
import { colorFor } from '../../../src/cli/color.js';
import { openAwsSession, resolveRegion, stateTableName } from '../../../src/cli/commands/aws-context.js';
import { operatorConfigFromFlags } from '../../../src/cli/commands/operator.js';
import { TABLE_REGION_ENV } from '../../../src/cli/commands/remote-context.js';
import { defaultClientsFactory } from '../../../src/operator/pass-session.js';

type Env = Readonly<Record<string, string>>;

const savedEnv = { ...process.env };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-precedence-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  process.env = { ...savedEnv };
});

/** Only `env` of everything AWS- and stackctl-related, with AWS files that name nothing. */
function isolatedEnv(env: Env, files: { readonly credentials?: string } = {}): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_') || key.startsWith('STACKCTL_')) delete process.env[key];
  }
  const config = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  const credentials = join(dir, `credentials-${Math.random().toString(36).slice(2)}`);
  writeFileSync(config, '');
  writeFileSync(credentials, files.credentials ?? '');
  Object.assign(process.env, {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  });
}

/** The profile's region the operator falls back to when nothing else names one. */
const PROFILE_REGION = 'ap-south-1';
const reader = { readProfileRegion: async () => PROFILE_REGION };

/** The URL a DynamoDB call of a command's client bundle goes to, captured before it is signed or sent. */
async function endpointOf(flags: OptionValues): Promise<string> {
  const { clients } = openAwsSession(flagsFromOptions(flags, false), 'eu-west-1');
  let url = '';
  clients.dynamodb.middlewareStack.add(
    () => async (args) => {
      const r = args.request as HttpRequest;
      url = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}`;
      throw new Error('captured; not sent');
    },
    { step: 'build', name: 'captureEndpoint' },
  );
  await clients.dynamodb.send(new ListTablesCommand({})).catch(() => undefined);
  return url;
}

/** The access key the command's clients sign with: it says which profile the credential chain read. */
async function accessKeyOf(flags: OptionValues): Promise<string> {
  const { clients } = openAwsSession(flagsFromOptions(flags, false), 'eu-west-1');
  const credentials = await clients.dynamodb.config.credentials();
  return credentials.accessKeyId;
}

const PROFILES = [
  '[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n',
  '[flag]\naws_access_key_id = AKIAFLAG\naws_secret_access_key = x\n',
  '[env]\naws_access_key_id = AKIAENV\naws_secret_access_key = x\n',
].join('\n');

/** How each setting is resolved from a flag value (or none) and the environment. */
const SETTINGS = {
  'state table (CLI)': async (flag?: string) =>
    stateTableName(flagsFromOptions(flag ? { table: flag } : {}, false), process.env),
  'state table (operator)': async (flag?: string) =>
    (
      await operatorConfigFromFlags(
        flagsFromOptions(flag ? { table: flag } : {}, false),
        { AWS_REGION: 'eu-west-1', ...process.env },
        reader,
      )
    ).table,
  'state table region (CLI)': async (flag?: string) =>
    (
      await resolveRegion(flagsFromOptions(flag ? { region: flag } : {}, false), {
        tableRegion: process.env[TABLE_REGION_ENV],
        env: process.env,
        readProfileRegion: reader.readProfileRegion,
      })
    )?.value,
  'stack region (CLI)': async (flag?: string) =>
    (
      await resolveRegion(flagsFromOptions(flag ? { region: flag } : {}, false), {
        env: process.env,
        readProfileRegion: async () => undefined,
        fallback: 'us-east-1',
      })
    )?.value,
  'state table region (operator)': async (flag?: string) =>
    (
      await operatorConfigFromFlags(
        flagsFromOptions(flag ? { region: flag } : {}, false),
        process.env,
        reader,
      )
    ).region,
  'HTTP port (operator)': async (flag?: string) =>
    (
      await operatorConfigFromFlags(
        flagsFromOptions(flag ? { port: flag } : {}, false),
        { AWS_REGION: 'eu-west-1', ...process.env },
        reader,
      )
    ).port,
  endpoint: async (flag?: string) => endpointOf(flag ? { endpointUrl: flag } : {}),
  'AWS profile (credentials)': async (flag?: string) => accessKeyOf(flag ? { awsProfile: flag } : {}),
  'AWS profile (operator, a stack region)': async (flag?: string) => {
    const config = await operatorConfigFromFlags(
      flagsFromOptions(flag ? { awsProfile: flag } : {}, false),
      { AWS_REGION: 'eu-west-1', ...process.env },
      reader,
    );
    const clients = defaultClientsFactory(config.endpoint, config.profile)('us-east-2', new CallStats());
    return (await clients.ecs.config.credentials()).accessKeyId;
  },
  'colour (a pipe)': async (flag?: string) =>
    colorFor({ isTerminal: false, noColorFlag: flag !== undefined, env: process.env }),
} as const;

describe('flags > environment > defaults, for every setting with both', () => {
  it.each([
    {
      setting: 'state table (CLI)',
      reason: '--table beats STACKCTL_TABLE',
      flag: 'from-flag',
      env: { STACKCTL_TABLE: 'from-env' },
      want: 'from-flag',
    },
    {
      setting: 'state table (CLI)',
      reason: 'STACKCTL_TABLE alone',
      env: { STACKCTL_TABLE: 'from-env' },
      want: 'from-env',
    },
    { setting: 'state table (CLI)', reason: 'the default', env: {}, want: 'stackctl-state' },
    {
      setting: 'state table (operator)',
      reason: '--table beats STACKCTL_TABLE',
      flag: 'from-flag',
      env: { STACKCTL_TABLE: 'from-env' },
      want: 'from-flag',
    },
    {
      setting: 'state table (operator)',
      reason: 'STACKCTL_TABLE alone',
      env: { STACKCTL_TABLE: 'from-env' },
      want: 'from-env',
    },
    { setting: 'state table (operator)', reason: 'the default', env: {}, want: 'stackctl-state' },
    {
      setting: 'state table region (CLI)',
      reason: '--region beats STACKCTL_TABLE_REGION and AWS_REGION',
      flag: 'eu-west-1',
      env: { STACKCTL_TABLE_REGION: 'us-west-2', AWS_REGION: 'eu-central-1' },
      want: 'eu-west-1',
    },
    {
      setting: 'state table region (CLI)',
      reason: 'STACKCTL_TABLE_REGION beats AWS_REGION',
      env: { STACKCTL_TABLE_REGION: 'us-west-2', AWS_REGION: 'eu-central-1' },
      want: 'us-west-2',
    },
    {
      setting: 'state table region (CLI)',
      reason: "neither: the profile's region",
      env: {},
      want: PROFILE_REGION,
    },
    {
      setting: 'stack region (CLI)',
      reason: '--region beats AWS_REGION and AWS_DEFAULT_REGION',
      flag: 'eu-west-1',
      env: { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-north-1' },
      want: 'eu-west-1',
    },
    {
      setting: 'stack region (CLI)',
      reason: 'AWS_REGION alone',
      env: { AWS_REGION: 'eu-central-1' },
      want: 'eu-central-1',
    },
    { setting: 'stack region (CLI)', reason: 'the default', env: {}, want: 'us-east-1' },
    {
      setting: 'state table region (operator)',
      reason: '--region beats STACKCTL_TABLE_REGION',
      flag: 'eu-west-1',
      env: { STACKCTL_TABLE_REGION: 'us-west-2', AWS_REGION: 'eu-central-1' },
      want: 'eu-west-1',
    },
    {
      setting: 'state table region (operator)',
      reason: 'AWS_DEFAULT_REGION alone beats the profile',
      env: { AWS_DEFAULT_REGION: 'eu-north-1' },
      want: 'eu-north-1',
    },
    {
      setting: 'state table region (operator)',
      reason: "neither: the profile's region",
      env: {},
      want: PROFILE_REGION,
    },
    {
      setting: 'HTTP port (operator)',
      reason: '--port beats STACKCTL_PORT',
      flag: '9090',
      env: { STACKCTL_PORT: '7070' },
      want: 9090,
    },
    {
      setting: 'HTTP port (operator)',
      reason: 'STACKCTL_PORT alone',
      env: { STACKCTL_PORT: '7070' },
      want: 7070,
    },
    { setting: 'HTTP port (operator)', reason: 'the default', env: {}, want: 8080 },
    {
      setting: 'endpoint',
      reason: '--endpoint-url beats AWS_ENDPOINT_URL',
      flag: 'http://127.0.0.1:4001',
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4002' },
      want: 'http://127.0.0.1:4001',
    },
    {
      setting: 'endpoint',
      reason: 'AWS_ENDPOINT_URL alone',
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4002' },
      want: 'http://127.0.0.1:4002',
    },
    {
      setting: 'endpoint',
      reason: "neither: AWS's own regional endpoint",
      env: {},
      want: 'https://dynamodb.eu-west-1.amazonaws.com',
    },
    {
      setting: 'AWS profile (credentials)',
      reason: '--aws-profile beats AWS_PROFILE',
      flag: 'flag',
      env: { AWS_PROFILE: 'env' },
      want: 'AKIAFLAG',
    },
    {
      setting: 'AWS profile (credentials)',
      reason: 'AWS_PROFILE alone',
      env: { AWS_PROFILE: 'env' },
      want: 'AKIAENV',
    },
    { setting: 'AWS profile (credentials)', reason: 'the default profile', env: {}, want: 'AKIADEFAULT' },
    {
      setting: 'AWS profile (operator, a stack region)',
      reason: '--aws-profile beats AWS_PROFILE for the stacks’ clients too',
      flag: 'flag',
      env: { AWS_PROFILE: 'env' },
      want: 'AKIAFLAG',
    },
    {
      setting: 'AWS profile (operator, a stack region)',
      reason: 'AWS_PROFILE alone',
      env: { AWS_PROFILE: 'env' },
      want: 'AKIAENV',
    },
    {
      setting: 'AWS profile (operator, a stack region)',
      reason: 'the default profile',
      env: {},
      want: 'AKIADEFAULT',
    },
    {
      setting: 'colour (a pipe)',
      reason: '--no-color beats FORCE_COLOR',
      flag: '',
      env: { FORCE_COLOR: '1', NO_COLOR: '' },
      want: false,
    },
    {
      setting: 'colour (a pipe)',
      reason: 'FORCE_COLOR alone colours a pipe',
      env: { FORCE_COLOR: '1', NO_COLOR: '' },
      want: true,
    },
    {
      setting: 'colour (a pipe)',
      reason: 'the default: no colour in a pipe',
      env: { FORCE_COLOR: '', NO_COLOR: '' },
      want: false,
    },
  ] as {
    setting: keyof typeof SETTINGS;
    reason: string;
    flag?: string;
    env: Env;
    want: unknown;
  }[])('$setting: $reason', async ({ setting, flag, env, want }) => {
    isolatedEnv(env, { credentials: PROFILES });
    expect(await SETTINGS[setting](flag)).toBe(want);
  });
});
