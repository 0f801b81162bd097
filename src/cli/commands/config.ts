/**
 * `stackctl config set|ls|rm`: a stack's secrets, kept in SSM Parameter Store as SecureStrings under
 * `/stackctl/<project>/<stack>/<KEY>` and injected into task definitions as ECS `secrets`.
 *
 * Values are read from an argument, stdin or generated; they are never printed, logged or stored
 * anywhere else.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  type ParameterMetadata,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { isNotFound } from '../../aws/index.js';
import { MANAGED_BY, TAG_KEYS } from '../../desired/resource-types.js';
import { configParameterName } from '../../observed/secrets.js';
import { UsageError } from '../args.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, formatData } from '../output.js';
import { openAwsSession, printStats } from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import { afterConfigSet } from './config-restart.js';
import type { Command } from './types.js';

/** Length of `--random` values, in characters from [A-Za-z0-9]. */
export const RANDOM_SECRET_LENGTH = 32;

/**
 * Valid config keys: environment variable names, and compose `secrets:` names, which may hold `-` and `.`
 * (`db-password`): the key a stack needs is the name its compose file uses, and SSM parameter names allow
 * both characters.
 */
const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

function randomValue(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(RANDOM_SECRET_LENGTH)].map((b) => alphabet[b % alphabet.length]).join('');
}

function requireKey(key: string | undefined): string {
  if (!key || !KEY_PATTERN.test(key))
    throw new UsageError('config needs a KEY like API_TOKEN or db-password (letters, digits, _ . -)');
  return key;
}

/** `config set KEY [VALUE | --from-stdin | --random]`. */
export const configSetCommand: Command = {
  words: ['config', 'set'],
  usage: 'stackctl config set KEY [VALUE | --from-stdin | --random] [--restart | --no-restart] --stack S',
  summary:
    'Stores a secret for the stack in SSM (SecureString) and names the services that read it: the next reconcile restarts them, --restart does now, --no-restart leaves them running with the old value. Prefer --from-stdin or --random: a VALUE argument stays in your shell history.',
  async run({ positionals, flags }, io) {
    const key = requireKey(positionals[0]);
    const sources = [positionals[1] !== undefined, flags.fromStdin, flags.random].filter(Boolean).length;
    if (sources !== 1) throw new UsageError('give exactly one of VALUE, --from-stdin or --random');
    const value = flags.random
      ? randomValue()
      : flags.fromStdin
        ? (await io.readStdin()).replace(/\r?\n$/, '')
        : (positionals[1] as string);
    if (value.length === 0) throw new UsageError(`the value for ${key} is empty`);
    const stack = requireStack(flags);
    const { desired } = loadFromFlags(flags, stack);
    const { clients, stats } = openAwsSession(flags, desired.region);
    const name = configParameterName(desired.project, stack, key);
    const put = await clients.ssm.send(
      new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
    );
    await clients.ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: name,
        Tags: [
          { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
          { Key: TAG_KEYS.project, Value: desired.project },
          { Key: TAG_KEYS.stack, Value: stack },
        ],
      }),
    );
    io.out(`set ${key} for ${desired.project}/${stack} (${name}, version ${put.Version ?? '?'})\n`);
    const code = await afterConfigSet({
      flags,
      io,
      clients,
      stack,
      key,
      parameterName: name,
      resources: desired.resources,
    });
    printStats(io, flags, stats);
    return code;
  },
};

async function listConfig(flags: Parameters<Command['run']>[0]['flags']) {
  const stack = requireStack(flags);
  const { desired } = loadFromFlags(flags, stack);
  const { clients } = openAwsSession(flags, desired.region);
  const prefix = configParameterName(desired.project, stack, '');
  const found: ParameterMetadata[] = [];
  let token: string | undefined;
  do {
    const page = await clients.ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Path', Option: 'OneLevel', Values: [prefix.replace(/\/$/, '')] }],
        ...(token ? { NextToken: token } : {}),
      }),
    );
    found.push(...(page.Parameters ?? []));
    token = page.NextToken;
  } while (token);
  const keys = found
    .map((p) => (p.Name ?? '').slice(prefix.length))
    .filter(Boolean)
    .sort();
  return { desired, stack, keys };
}

/** `config ls`: names only, and which required keys are still missing. */
export const configLsCommand: Command = {
  words: ['config', 'ls'],
  usage: 'stackctl config ls --stack S [--output text|json]',
  summary:
    'Lists the config keys set for the stack (names only, never values) and the required ones still missing.',
  async run({ flags }, io) {
    const { desired, keys } = await listConfig(flags);
    const missing = desired.requiredSecrets.filter((k) => !keys.includes(k));
    if (flags.output === 'json')
      io.out(
        formatData(
          jsonDocument('ConfigList', {
            project: desired.project,
            stack: desired.stack,
            keys,
            required: desired.requiredSecrets,
            missing,
          }),
          'json',
        ),
      );
    else {
      for (const k of keys)
        io.out(`${k}${desired.requiredSecrets.includes(k) ? '' : '  (not used by the compose file)'}\n`);
      for (const k of missing)
        io.out(`${k}  (missing: set it with \`stackctl config set ${k} --stack ${desired.stack}\`)\n`);
    }
    return missing.length > 0 ? EXIT.changes : EXIT.ok;
  },
};

/** `config rm KEY`. */
export const configRmCommand: Command = {
  words: ['config', 'rm'],
  usage: 'stackctl config rm KEY --stack S',
  summary: 'Deletes a config key of the stack from SSM.',
  async run({ positionals, flags }, io) {
    const key = requireKey(positionals[0]);
    const stack = requireStack(flags);
    const { desired } = loadFromFlags(flags, stack);
    const { clients } = openAwsSession(flags, desired.region);
    const name = configParameterName(desired.project, stack, key);
    try {
      await clients.ssm.send(new DeleteParameterCommand({ Name: name }));
      io.out(`removed ${key} from ${desired.project}/${stack}\n`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      io.out(`${key} was not set for ${desired.project}/${stack}\n`);
    }
    return EXIT.ok;
  },
};
