/**
 * Applies `route53.Record`: one atomic ChangeResourceRecordSets batch per action, holding the record
 * and its ownership marker (`_stackctl.<name>` TXT, see `observed/route53-zone.ts`).
 *
 * - create: CREATE the record and UPSERT the marker with this record's value added (values of other
 *   stackctl records at the same name are kept). CREATE makes Route 53 refuse the batch when another
 *   stack created the name after our ownership read, so two stacks racing for one name can never both
 *   win. A record that already exists without a marker value for this project+stack (found before, or
 *   by that refusal) is an {@link OwnershipConflictError} naming the stack(s) its marker names; it is
 *   never overwritten. A record our marker already claims is brought to the spec with UPSERT.
 * - update (a record this stack owns): UPSERT the record and the marker.
 * - delete: DELETE the record exactly as it is live (Route 53 only deletes an exact match), and remove
 *   this record's value from the marker (DELETE the marker when no value is left).
 *
 * The hosted zone must already exist: stackctl never creates a domain's public zone.
 *
 * @module
 */
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { isNotFound } from '../aws/errors.js';
import { field } from '../observed/observe-helpers.js';
import { parseRecordPhysicalId, recordOutputs, recordPhysicalId } from '../observed/route53-record.js';
import {
  findHostedZone,
  fqdn,
  listRecordSetsAt,
  MARKER_TTL,
  markerName,
  markerValue,
  parseMarkerValue,
  recordValues,
} from '../observed/route53-zone.js';
import { assertObservedOwned, specString, touches } from './delta-helpers.js';
import { OwnershipConflictError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** TTL of a plain record whose spec gives none. */
export const DEFAULT_RECORD_TTL = 300;

/** Where a record lives and what it is. */
interface RecordKey {
  readonly zoneId: string;
  readonly name: string;
  readonly type: string;
}

/** The record and its marker as they are in Route 53 right now. */
interface Live {
  readonly record: ResourceRecordSet | undefined;
  readonly marker: ResourceRecordSet | undefined;
}

async function readLive(route53: Route53Client, key: RecordKey): Promise<Live> {
  const [atName, atMarker] = await Promise.all([
    listRecordSetsAt(route53, key.zoneId, key.name),
    listRecordSetsAt(route53, key.zoneId, markerName(key.name)),
  ]);
  return { record: atName.find((s) => s.Type === key.type), marker: atMarker.find((s) => s.Type === 'TXT') };
}

/** The other stackctl stacks (`project/stack`) the live marker names, sorted. */
function otherOwners(live: Live, ctx: ApplyContext): string[] {
  const owners = recordValues(live.marker)
    .map(parseMarkerValue)
    .filter((o) => o !== undefined && !(o.project === ctx.project && o.stack === ctx.stack))
    .map((o) => `${o?.project}/${o?.stack}`);
  return [...new Set(owners)].sort();
}

/** The conflict of a create that found the name taken by something that is not this stack's. */
function takenError(
  logicalId: string,
  key: RecordKey,
  zoneName: string,
  live: Live,
  ctx: ApplyContext,
  cause?: unknown,
): OwnershipConflictError {
  const owners = otherOwners(live, ctx);
  const where = `${key.name} ${key.type} in zone ${zoneName}`;
  const detail =
    owners.length > 0
      ? `its ${markerName(key.name)} TXT marker names that stack`
      : `no value of its ${markerName(key.name)} TXT marker claims it for this stack`;
  return new OwnershipConflictError(logicalId, where, detail, {
    owners,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Route 53's answer to a CREATE of a record set that exists (a concurrent creator won the race). */
export function isRecordAlreadyExists(err: unknown): boolean {
  const e = err as { name?: unknown; Code?: unknown; message?: unknown } | null;
  const name = e?.name ?? e?.Code;
  return name === 'InvalidChangeBatch' && /already exists/i.test(String(e?.message ?? ''));
}

/**
 * True when the live marker claims this very record (project, stack and logical id): what a create
 * requires before it writes over an existing record set. Another record of this stack at the same name
 * (another type) does not make this one ours, since the marker does not say which type it covers.
 */
function claimsRecord(live: Live, ctx: ApplyContext, logicalId: string): boolean {
  return recordValues(live.marker).some((v) => {
    const owner = parseMarkerValue(v);
    return owner?.project === ctx.project && owner.stack === ctx.stack && owner.logicalId === logicalId;
  });
}

/** True when the live marker holds a value for this project+stack. */
function markedOurs(live: Live, ctx: ApplyContext): boolean {
  return recordValues(live.marker).some((v) => {
    const owner = parseMarkerValue(v);
    return owner?.project === ctx.project && owner.stack === ctx.stack;
  });
}

/** The marker values after adding (or removing) this record's own value. */
function markerValues(live: Live, ctx: ApplyContext, logicalId: string, include: boolean): string[] {
  const mine = markerValue(ctx.project, ctx.stack, logicalId);
  const others = recordValues(live.marker).filter((v) => {
    const owner = parseMarkerValue(v);
    return !(owner?.project === ctx.project && owner.stack === ctx.stack && owner.logicalId === logicalId);
  });
  return [...new Set(include ? [...others, mine] : others)].sort();
}

/** The change that leaves the marker holding `values` (none when nothing changes). */
function markerChange(live: Live, name: string, values: readonly string[]): Change | undefined {
  const current = [...recordValues(live.marker)].sort();
  if (current.join('\n') === values.join('\n')) return undefined;
  if (values.length === 0)
    return live.marker ? { Action: 'DELETE', ResourceRecordSet: live.marker } : undefined;
  return {
    Action: 'UPSERT',
    ResourceRecordSet: {
      Name: markerName(name),
      Type: 'TXT',
      TTL: MARKER_TTL,
      ResourceRecords: values.map((Value) => ({ Value })),
    },
  };
}

/** The record set a resolved spec asks for: an alias or a plain record with TTL and values. */
export function desiredRecordSet(desired: ResolvedResource): ResourceRecordSet {
  const { spec, logicalId } = desired;
  const name = fqdn(specString(spec, 'name', logicalId));
  const type = specString(spec, 'type', logicalId) as RRType;
  const alias = spec.aliasTarget;
  if (alias !== undefined && alias !== null) {
    const dnsName = field(alias, 'dnsName');
    const zoneId = field(alias, 'hostedZoneId');
    if (typeof dnsName !== 'string' || typeof zoneId !== 'string') {
      throw new TypeError(`${logicalId}: spec.aliasTarget must hold a resolved dnsName and hostedZoneId`);
    }
    return {
      Name: name,
      Type: type,
      AliasTarget: {
        DNSName: dnsName,
        HostedZoneId: zoneId,
        EvaluateTargetHealth: field(alias, 'evaluateTargetHealth') === true,
      },
    };
  }
  const values = Array.isArray(spec.values)
    ? spec.values.filter((v): v is string => typeof v === 'string')
    : [];
  return {
    Name: name,
    Type: type,
    TTL: typeof spec.ttl === 'number' ? spec.ttl : DEFAULT_RECORD_TTL,
    ResourceRecords: values.map((Value) => ({ Value })),
  };
}

async function send(
  route53: Route53Client,
  key: RecordKey,
  changes: readonly (Change | undefined)[],
  why: string,
) {
  const list = changes.filter((c): c is Change => c !== undefined);
  if (list.length === 0) return;
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: key.zoneId,
      ChangeBatch: { Comment: why, Changes: list },
    }),
  );
}

function result(key: RecordKey): ApplyResult {
  return { physicalId: recordPhysicalId(key.zoneId, key.name, key.type), outputs: recordOutputs(key.name) };
}

function recordedKey(physicalId: string, logicalId: string): RecordKey {
  const parsed = parseRecordPhysicalId(physicalId);
  if (!parsed) throw new TypeError(`${logicalId}: ${physicalId} is not a route53.Record physical id`);
  return { zoneId: parsed.zoneId, name: fqdn(parsed.name), type: parsed.type };
}

/** The Route 53 record applier (see the module doc for the marker protocol). */
export const route53RecordApplier: Applier = {
  kind: 'route53.Record',

  async create(desired, ctx) {
    const { route53 } = ctx.clients;
    const zone = await findHostedZone(
      route53,
      specString(desired.spec, 'hostedZoneName', desired.logicalId),
      ctx.project,
    );
    const record = desiredRecordSet(desired);
    const key: RecordKey = { zoneId: zone.id, name: record.Name ?? '', type: record.Type ?? '' };
    const live = await readLive(route53, key);
    if (live.record && !claimsRecord(live, ctx, desired.logicalId))
      throw takenError(desired.logicalId, key, zone.name, live, ctx);
    const marker = markerChange(live, key.name, markerValues(live, ctx, desired.logicalId, true));
    const why = `stackctl ${desired.logicalId}`;
    if (live.record) {
      // Ours already (a create retried after a crash, or a lost response): bring it to the spec.
      await send(route53, key, [{ Action: 'UPSERT', ResourceRecordSet: record }, marker], why);
      return result(key);
    }
    // CREATE, not UPSERT: the ownership read above and this write are not atomic, so a stack creating the
    // same name meanwhile must make this batch fail (record and marker together) rather than be overwritten.
    try {
      await send(route53, key, [{ Action: 'CREATE', ResourceRecordSet: record }, marker], why);
      return result(key);
    } catch (err) {
      if (!isRecordAlreadyExists(err)) throw err;
      const now = await readLive(route53, key);
      if (now.record && !claimsRecord(now, ctx, desired.logicalId))
        throw takenError(desired.logicalId, key, zone.name, now, ctx, err);
      // Ours after all (our own earlier attempt landed), or gone again: write it as ours.
      const again = markerChange(now, key.name, markerValues(now, ctx, desired.logicalId, true));
      await send(route53, key, [{ Action: 'UPSERT', ResourceRecordSet: record }, again], why);
      return result(key);
    }
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx);
    const { route53 } = ctx.clients;
    const key = recordedKey(observed.physicalId, observed.logicalId);
    const live = await readLive(route53, key);
    const recordChanged = !live.record || deltas.some((d) => !touches([d], 'tags'));
    const marker = markerChange(live, key.name, markerValues(live, ctx, desired.logicalId, true));
    const upsert: Change | undefined = recordChanged
      ? { Action: 'UPSERT', ResourceRecordSet: desiredRecordSet(desired) }
      : undefined;
    await send(route53, key, [upsert, marker], `stackctl ${desired.logicalId}`);
    return result(key);
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx);
    const { route53 } = ctx.clients;
    const key = recordedKey(observed.physicalId, observed.logicalId);
    const live = await readLive(route53, key);
    if (live.record && !markedOurs(live, ctx))
      throw new OwnershipConflictError(observed.logicalId, observed.physicalId);
    const drop: Change | undefined = live.record
      ? { Action: 'DELETE', ResourceRecordSet: live.record }
      : undefined;
    const marker = markerChange(live, key.name, markerValues(live, ctx, observed.logicalId, false));
    try {
      await send(route53, key, [drop, marker], `stackctl delete ${observed.logicalId}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};
