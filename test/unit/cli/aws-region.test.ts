/**
 * One region precedence for every command (`resolveRegion`): `--region` > `STACKCTL_TABLE_REGION`
 * (state table only) > the stack file > `AWS_REGION` > `AWS_DEFAULT_REGION` > the profile's `region` >
 * the command's default. Shown on the function, on the SDK's config-file reader, and through the CLI:
 * what `init` writes, and which region a state-table call is signed for (a local AWS double records it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { profileRegion } from '../../../src/aws/clients.js';
import { type RegionSource, resolveRegion } from '../../../src/cli/commands/aws-context.js';
import { EXIT } from '../../../src/cli/output.js';
import { type FakeAws, startFakeAws } from '../../helpers/fake-aws-http.js';
import { freePort } from '../../helpers/moto.js';
import { cli } from './run-cli.js';

let dir: string;
let fake: FakeAws;
let fileCounter = 0;
const savedEnv = { ...process.env };

/** A fresh file under the test directory (the SDK caches config files by path). */
function tempFile(text: string): string {
  fileCounter += 1;
  const file = join(dir, `file-${fileCounter}`);
  writeFileSync(file, text);
  return file;
}

/** Nothing AWS-related set but `env`, with empty AWS config and credentials files. */
function isolatedEnv(env: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_') || key.startsWith('STACKCTL_')) delete process.env[key];
  }
  process.env.AWS_CONFIG_FILE = tempFile('');
  process.env.AWS_SHARED_CREDENTIALS_FILE = tempFile('');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.NO_COLOR = '1';
  Object.assign(process.env, env);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-aws-region-'));
  fake = await startFakeAws();
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.targets.length = 0;
  fake.regions.length = 0;
});

afterEach(() => {
  process.env = { ...savedEnv };
});

describe('resolveRegion: the one precedence', () => {
  const ALL = {
    flag: 'eu-west-1',
    table: 'eu-west-2',
    stack: 'eu-west-3',
    AWS_REGION: 'eu-central-1',
    AWS_DEFAULT_REGION: 'eu-north-1',
    profile: 'ap-south-1',
  };
  it.each([
    { reason: '--region beats everything, STACKCTL_TABLE_REGION too', drop: [], want: 'flag' },
    { reason: 'STACKCTL_TABLE_REGION beats the stack file (table only)', drop: ['flag'], want: 'table-env' },
    { reason: 'the stack file beats AWS_REGION', drop: ['flag', 'table'], want: 'stack' },
    { reason: 'AWS_REGION beats AWS_DEFAULT_REGION', drop: ['flag', 'table', 'stack'], want: 'AWS_REGION' },
    {
      reason: "AWS_DEFAULT_REGION (the AWS CLI's) beats the profile",
      drop: ['flag', 'table', 'stack', 'AWS_REGION'],
      want: 'AWS_DEFAULT_REGION',
    },
    {
      reason: "the profile's region when nothing else names one",
      drop: ['flag', 'table', 'stack', 'AWS_REGION', 'AWS_DEFAULT_REGION'],
      want: 'profile',
    },
    {
      reason: 'the command default last',
      drop: ['flag', 'table', 'stack', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'profile'],
      want: 'default',
    },
  ] as { reason: string; drop: (keyof typeof ALL)[]; want: RegionSource }[])(
    '$reason',
    async ({ drop, want }) => {
      const v = (k: keyof typeof ALL) => (drop.includes(k) ? undefined : ALL[k]);
      const flag = v('flag');
      const choice = await resolveRegion(flag ? { region: flag } : {}, {
        tableRegion: v('table'),
        stackRegion: v('stack'),
        env: { AWS_REGION: v('AWS_REGION'), AWS_DEFAULT_REGION: v('AWS_DEFAULT_REGION') },
        readProfileRegion: async () => v('profile'),
        fallback: 'us-east-1',
      });
      expect(choice?.source).toBe(want);
      const expected =
        want === 'default'
          ? 'us-east-1'
          : ALL[
              want === 'table-env' ? 'table' : want === 'flag' ? 'flag' : want === 'stack' ? 'stack' : want
            ];
      expect(choice?.value).toBe(expected);
    },
  );

  it('is undefined when nothing names a region and there is no default', async () => {
    const choice = await resolveRegion({}, { env: {}, readProfileRegion: async () => undefined });
    expect(choice).toBeUndefined();
  });

  it.each([
    { reason: '--aws-profile names the profile read', flags: { awsProfile: 'dev' }, env: {}, read: 'dev' },
    { reason: 'else AWS_PROFILE', flags: {}, env: { AWS_PROFILE: 'ci' }, read: 'ci' },
    {
      reason: '--aws-profile beats AWS_PROFILE',
      flags: { awsProfile: 'dev' },
      env: { AWS_PROFILE: 'ci' },
      read: 'dev',
    },
  ])('$reason', async ({ flags, env, read }) => {
    const asked: (string | undefined)[] = [];
    await resolveRegion(flags, {
      env,
      readProfileRegion: async (p) => {
        asked.push(p);
        return undefined;
      },
    });
    expect(asked).toEqual([read]);
  });
});

describe("profileRegion: the SDK's config-file reader", () => {
  it.each([
    { reason: 'the default profile', profile: undefined, env: {}, want: 'eu-west-1' },
    { reason: 'a named profile (`[profile dev]`)', profile: 'dev', env: {}, want: 'eu-central-1' },
    { reason: 'AWS_PROFILE names it', profile: undefined, env: { AWS_PROFILE: 'dev' }, want: 'eu-central-1' },
    { reason: 'a region kept in the credentials file', profile: 'ci', env: {}, want: 'ap-south-1' },
    { reason: 'a profile that does not exist', profile: 'nope', env: {}, want: undefined },
  ])('$reason', async ({ profile, env, want }) => {
    isolatedEnv(env);
    process.env.AWS_CONFIG_FILE = tempFile(
      '[default]\nregion = eu-west-1\n\n[profile dev]\nregion = eu-central-1\n',
    );
    process.env.AWS_SHARED_CREDENTIALS_FILE = tempFile('[ci]\nregion = ap-south-1\n');
    expect(await profileRegion(profile)).toBe(want);
  });
});

describe('init writes the region the environment names', () => {
  it.each([
    { reason: 'AWS_REGION', args: [], env: { AWS_REGION: 'eu-north-1' }, config: '', want: 'eu-north-1' },
    {
      reason: '--region beats AWS_REGION',
      args: ['--region', 'ap-southeast-2'],
      env: { AWS_REGION: 'eu-north-1' },
      config: '',
      want: 'ap-southeast-2',
    },
    {
      reason: 'AWS_DEFAULT_REGION when AWS_REGION is unset',
      args: [],
      env: { AWS_DEFAULT_REGION: 'ca-central-1' },
      config: '',
      want: 'ca-central-1',
    },
    {
      reason: "the profile's region from the AWS config file",
      args: [],
      env: {},
      config: '[default]\nregion = sa-east-1\n',
      want: 'sa-east-1',
    },
    { reason: 'us-east-1 when nothing names one', args: [], env: {}, config: '', want: 'us-east-1' },
  ])('$reason', async ({ args, env, config, want }) => {
    isolatedEnv(env);
    process.env.AWS_CONFIG_FILE = tempFile(config);
    const project = mkdtempSync(join(dir, 'project-'));
    writeFileSync(join(project, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
    const r = await cli('init', '-C', project, ...args);
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(readFileSync(join(project, '.stackctl', 'dev.yaml'), 'utf8')).toMatch(
      new RegExp(`^region: ${want}$`, 'm'),
    );
  });
});

describe('the state table region: --region beats STACKCTL_TABLE_REGION', () => {
  it.each([
    {
      reason: '--region beats STACKCTL_TABLE_REGION (it used to lose)',
      args: ['--region', 'eu-west-1'],
      env: { STACKCTL_TABLE_REGION: 'us-west-2', AWS_REGION: 'eu-central-1' },
      want: 'eu-west-1',
    },
    {
      reason: 'STACKCTL_TABLE_REGION beats AWS_REGION',
      args: [],
      env: { STACKCTL_TABLE_REGION: 'us-west-2', AWS_REGION: 'eu-central-1' },
      want: 'us-west-2',
    },
    { reason: 'AWS_REGION alone', args: [], env: { AWS_REGION: 'eu-central-1' }, want: 'eu-central-1' },
  ])('$reason', async ({ args, env, want }) => {
    isolatedEnv({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', ...env });
    const r = await cli('stacks', 'ls', '--remote', '--endpoint-url', fake.url, ...args);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fake.regions.length).toBeGreaterThan(0);
    expect(new Set(fake.regions)).toEqual(new Set([want]));
  });
});

describe('setup failures through the CLI: one message, exit 1, no stack trace', () => {
  it('no credentials: what was tried and how to fix it', async () => {
    isolatedEnv({ AWS_REGION: 'eu-west-1' });
    const r = await cli('stacks', 'ls', '--remote', '--endpoint-url', fake.url);
    expect(r.code).toBe(EXIT.error);
    // The state layer says what it was doing; the rest is the setup message, whole.
    expect(r.err).toMatch(
      /^error: list stack specs: no AWS credentials found for profile "default" \(dynamodb:Query: /,
    );
    expect(r.err).toContain('tried: environment keys AWS_ACCESS_KEY_ID');
    expect(r.err).toContain('fix: run `aws configure`');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fake.targets).toHaveLength(0);
  });

  it('unreachable endpoint: the endpoint and the setting it came from', async () => {
    const port = await freePort();
    isolatedEnv({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL: fake.url,
    });
    const r = await cli('stacks', 'ls', '--remote');
    expect(r.code).toBe(EXIT.error);
    expect(r.err).toContain(
      `: cannot reach the AWS endpoint http://127.0.0.1:${port} for dynamodb:Query (ECONNREFUSED`,
    );
    expect(r.err).toContain('the endpoint came from AWS_ENDPOINT_URL_DYNAMODB');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fake.targets).toHaveLength(0);
  });
});
