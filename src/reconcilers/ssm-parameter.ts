/**
 * Applies `ssm.Parameter`. Generated secrets: created once with a random value, tagged, never
 * rewritten, deleted on request. Composed (derived) secrets: the template composed from the source
 * parameters' current values (read decrypted), written as a SecureString, rewritten whenever the
 * observer finds it no longer matches its sources. A value exists only inside the calls that read and
 * write it: it is never returned, logged or stored anywhere else.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import {
  AwsCallError,
  awsErrorCode,
  isAlreadyExists,
  isNotFound,
  sanitizeAwsMessage,
} from '../aws/errors.js';
import { recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { StackctlError } from '../errors.js';
import { composeValue, GET_PARAMETERS_BATCH, parameterTags } from '../observed/ssm-parameter.js';
import type { ObservedResource } from '../observed/types.js';
import {
  assertObservedOwned,
  assertOwned,
  ignoreNotFound,
  isEmptyTagChange,
  specString,
  tagChanges,
} from './delta-helpers.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** Length of a generated secret. */
export const SECRET_LENGTH = 32;

/** Characters a generated secret is drawn from: safe in URLs, connection strings and shells. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Bytes at or above this are rejected so every character is equally likely (248 = 4 × 62). */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** The type stackctl gives every generated parameter. */
const SECURE_STRING = 'SecureString';

/** A uniformly random alphanumeric string from the OS CSPRNG. */
export function randomSecret(length = SECRET_LENGTH): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT && out.length < length) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

/** The parameter's ARN, or undefined when it does not exist. The response's value field is not read. */
async function parameterFacts(
  ssm: SSMClient,
  name: string,
): Promise<{ readonly arn: string; readonly version: number | undefined } | undefined> {
  const out = await ssm.send(new GetParametersCommand({ Names: [name] }));
  const found = out.Parameters?.find((p) => p.Name === name);
  return found ? { arn: found.ARN ?? '', version: found.Version } : undefined;
}

/**
 * A PutParameter failure without the SDK error itself: a validation message may echo the request, and
 * the request held the secret. Only the code and a masked message are kept.
 */
function redacted(err: unknown, logicalId: string): AwsCallError {
  const raw = err instanceof Error ? err.message : String(err);
  const safe = Object.assign(new Error(sanitizeAwsMessage(raw)), { name: awsErrorCode(err) ?? 'Error' });
  return new AwsCallError({ service: 'ssm', operation: 'PutParameter', cause: safe, context: logicalId });
}

/** A composed parameter's desired template and sources, or undefined for a generated one. */
function composedSpec(
  desired: ResolvedResource,
): { readonly template: string; readonly sources: Readonly<Record<string, string>> } | undefined {
  const { template, sources } = desired.spec as { template?: unknown; sources?: unknown };
  if (typeof template !== 'string' || typeof sources !== 'object' || sources === null) return undefined;
  return { template, sources: sources as Readonly<Record<string, string>> };
}

/**
 * The value of a composed parameter from the current source values. Throws (naming every missing
 * source, never a value) before anything is written when a source does not exist.
 */
async function composeFromSources(
  ssm: SSMClient,
  logicalId: string,
  spec: { readonly template: string; readonly sources: Readonly<Record<string, string>> },
): Promise<string> {
  const names = [...new Set(Object.values(spec.sources))];
  const values = new Map<string, string>();
  for (let i = 0; i < names.length; i += GET_PARAMETERS_BATCH) {
    const res = await ssm.send(
      new GetParametersCommand({ Names: names.slice(i, i + GET_PARAMETERS_BATCH), WithDecryption: true }),
    );
    for (const p of res.Parameters ?? []) if (p.Name && p.Value !== undefined) values.set(p.Name, p.Value);
  }
  const missing = Object.keys(spec.sources)
    .filter((v) => !values.has(spec.sources[v] ?? ''))
    .sort();
  if (missing.length > 0) {
    throw new StackctlError(
      'MISSING_SECRETS',
      `${logicalId} is composed from config keys that are not set: ${missing.join(', ')} (${missing.map((v) => spec.sources[v]).join(', ')}). Set each with \`stackctl config set KEY\`; the parameter was not written.`,
    );
  }
  return composeValue(spec.template, (v) => values.get(spec.sources[v] ?? ''));
}

/**
 * Writes a composed value over an existing parameter (Overwrite cannot be combined with Tags); returns
 * the new version, which the services reading it are rolled out with (diff/secret-versions.ts).
 */
async function overwrite(
  ssm: SSMClient,
  name: string,
  value: string,
  logicalId: string,
): Promise<number | undefined> {
  try {
    const out = await ssm.send(
      new PutParameterCommand({ Name: name, Type: SECURE_STRING, Value: value, Overwrite: true }),
    );
    return out.Version;
  } catch (err) {
    throw redacted(err, logicalId);
  }
}

/** Outputs: ARN, name and the current version (what a service reading it is rolled out with). */
function result(name: string, arn: string, version: number | undefined): ApplyResult {
  return { physicalId: name, outputs: { arn, name, ...(version === undefined ? {} : { version }) } };
}

/**
 * Generated-secret applier. Create adopts a parameter of that name tagged for this stack (its value is
 * kept), refuses any other ({@link OwnershipConflictError}), and otherwise writes a new random value
 * with the tags in the same call (never with Overwrite, which AWS forbids together with Tags).
 */
export const ssmParameterApplier: Applier = {
  kind: 'ssm.Parameter',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ssm } = ctx.clients;
    const name = specString(desired.spec, 'name', desired.logicalId);
    const composed = composedSpec(desired);
    // Composed from the sources before any write: a missing source changes nothing.
    const value =
      composed === undefined ? randomSecret() : await composeFromSources(ssm, desired.logicalId, composed);
    let facts = await parameterFacts(ssm, name);
    const adopted = facts !== undefined;
    if (facts === undefined) {
      try {
        await ssm.send(
          new PutParameterCommand({
            Name: name,
            Type: SECURE_STRING,
            Value: value,
            Tags: recordToTagList(desired.tags),
          }),
        );
      } catch (err) {
        if (!isAlreadyExists(err)) throw redacted(err, desired.logicalId);
      }
      facts = (await parameterFacts(ssm, name)) ?? { arn: '', version: undefined };
    }
    assertOwned(desired.logicalId, name, await parameterTags(ssm, name), ctx);
    // An adopted composed parameter (a crashed pass left it behind) gets the current composition.
    if (composed !== undefined && adopted)
      return result(name, facts.arn, await overwrite(ssm, name, value, desired.logicalId));
    return result(name, facts.arn, facts.version);
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { ssm } = ctx.clients;
    const untaggable = deltas.filter((d) => d.path !== 'tags' && !d.path.startsWith('tags.'));
    const composed = composedSpec(desired);
    let version: number | undefined;
    if (composed !== undefined && untaggable.length > 0) {
      // Template, sources or a source's value changed: compose again and rewrite.
      const value = await composeFromSources(ssm, desired.logicalId, composed);
      version = await overwrite(ssm, observed.physicalId, value, desired.logicalId);
    } else if (untaggable.length > 0) {
      throw new StackctlError(
        'UPDATE_UNSUPPORTED',
        `${observed.logicalId}: ${untaggable.map((d) => d.path).join(', ')} of a generated parameter cannot change in place (its value is never rewritten); delete the parameter to have it generated again`,
      );
    }
    const changes = tagChanges(deltas, desired.tags);
    const ResourceId = observed.physicalId;
    if (!isEmptyTagChange(changes)) {
      if (Object.keys(changes.set).length > 0) {
        await ssm.send(
          new AddTagsToResourceCommand({
            ResourceType: 'Parameter',
            ResourceId,
            Tags: recordToTagList(changes.set),
          }),
        );
      }
      if (changes.remove.length > 0) {
        await ssm.send(
          new RemoveTagsFromResourceCommand({
            ResourceType: 'Parameter',
            ResourceId,
            TagKeys: [...changes.remove],
          }),
        );
      }
    }
    return {
      physicalId: ResourceId,
      outputs: version === undefined ? observed.outputs : { ...observed.outputs, version },
    };
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    await ignoreNotFound(
      () => ctx.clients.ssm.send(new DeleteParameterCommand({ Name: observed.physicalId })),
      isNotFound,
    );
  },
};
