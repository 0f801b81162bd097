/**
 * Observes `route53.Record`. Each target's zone is found by name (or from the zone id in its recorded
 * physical id); every zone is read once, all pages, so records no target names any more are still found
 * through their ownership markers (see `route53-zone.ts` for the marker scheme). Ownership tags are
 * synthesized from the marker; a record without one has no tags and the diff reports a conflict.
 *
 * Names are compared as Route 53 means them: lowercase, trailing dot, `\052` as `*`, and an alias's
 * `dualstack.` prefix ignored; the observed spec uses the desired spec's spelling when both name the
 * same host, so those differences are never drift.
 *
 * @module
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { isNotFound } from '../aws/errors.js';
import type { Spec, SpecValue } from '../desired/resource-types.js';
import { StackctlError } from '../errors.js';
import { alignToDesired, resolveSpecString, resolveSpecValue } from './ec2-common.js';
import { compactSpec, field } from './observe-helpers.js';
import {
  canonicalDnsName,
  findHostedZone,
  fqdn,
  type HostedZoneRef,
  listZoneRecordSets,
  MARKER_LABEL,
  parseMarkerValue,
  presentDnsName,
  recordValues,
  tagsFromMarker,
} from './route53-zone.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** `<zoneId>/<fqdn>/<type>`: everything an update or delete needs to find the record again. */
export function recordPhysicalId(zoneId: string, name: string, type: string): string {
  return `${zoneId}/${fqdn(name)}/${type}`;
}

/** The parts of a {@link recordPhysicalId}, or undefined for anything else. */
export function parseRecordPhysicalId(
  id: string,
): { zoneId: string; name: string; type: string } | undefined {
  const first = id.indexOf('/');
  const last = id.lastIndexOf('/');
  if (first <= 0 || last <= first + 1 || last === id.length - 1) return undefined;
  return { zoneId: id.slice(0, first), name: id.slice(first + 1, last), type: id.slice(last + 1) };
}

/** The record's host name without the trailing dot: what other resources reference. */
export function recordOutputs(name: string): Record<string, string> {
  return { fqdn: fqdn(name).replace(/\.$/, '') };
}

function valuesSpec(set: ResourceRecordSet, desired: SpecValue | undefined, ctx: ObserveContext): string[] {
  const wanted = resolveSpecValue(desired, ctx);
  const wantedStrings = Array.isArray(wanted) ? wanted.filter((w): w is string => typeof w === 'string') : [];
  const values = recordValues(set).map((v) =>
    set.Type === 'CNAME' ? (wantedStrings.find((w) => canonicalDnsName(w) === canonicalDnsName(v)) ?? v) : v,
  );
  return alignToDesired(values, desired, ctx);
}

/** The desired-shape spec of one record set. */
export function recordSpec(
  set: ResourceRecordSet,
  zone: HostedZoneRef,
  target: ObserveTarget | undefined,
  ctx: ObserveContext,
): Spec {
  const desired = target?.spec;
  const alias = set.AliasTarget;
  const desiredAlias = desired?.aliasTarget;
  return compactSpec({
    hostedZoneName: presentDnsName(zone.name, resolveSpecString(desired?.hostedZoneName, ctx), true),
    name: presentDnsName(set.Name ?? '', resolveSpecString(desired?.name, ctx), true),
    type: set.Type,
    ttl: set.TTL,
    values: set.ResourceRecords ? valuesSpec(set, desired?.values, ctx) : undefined,
    aliasTarget: alias
      ? {
          dnsName: presentDnsName(
            alias.DNSName ?? '',
            resolveSpecString(field(desiredAlias, 'dnsName'), ctx),
            false,
          ),
          hostedZoneId: alias.HostedZoneId ?? '',
          evaluateTargetHealth: alias.EvaluateTargetHealth ?? false,
        }
      : undefined,
  });
}

/** A target with the zone, name and type it asks for. */
interface Wanted {
  readonly target: ObserveTarget;
  readonly zone: HostedZoneRef;
  readonly name: string;
  readonly type: string;
}

async function resolveTargets(targets: readonly ObserveTarget[], ctx: ObserveContext): Promise<Wanted[]> {
  const zones = new Map<string, HostedZoneRef | undefined>();
  const out: Wanted[] = [];
  for (const target of targets) {
    const recorded = target.physicalId ? parseRecordPhysicalId(target.physicalId) : undefined;
    const zoneName = resolveSpecString(target.spec?.hostedZoneName, ctx);
    let zone: HostedZoneRef | undefined;
    if (zoneName !== undefined) {
      if (!zones.has(fqdn(zoneName))) zones.set(fqdn(zoneName), await zoneOrUndefined(zoneName, ctx));
      zone = zones.get(fqdn(zoneName));
    }
    if (recorded && zone?.id !== recorded.zoneId) zone = { id: recorded.zoneId, name: zone?.name ?? '' };
    const name = resolveSpecString(target.spec?.name, ctx) ?? recorded?.name ?? target.name;
    const type = resolveSpecString(target.spec?.type, ctx) ?? recorded?.type;
    if (zone && type) out.push({ target, zone, name: fqdn(name), type });
  }
  return out;
}

async function zoneOrUndefined(zoneName: string, ctx: ObserveContext): Promise<HostedZoneRef | undefined> {
  try {
    return await findHostedZone(ctx.clients.route53, zoneName, ctx.project);
  } catch (err) {
    // No zone, no record: the applier reports the missing zone when it tries to create one.
    if (err instanceof StackctlError && err.code === 'HOSTED_ZONE_NOT_FOUND') return undefined;
    throw err;
  }
}

function observedRecord(
  set: ResourceRecordSet,
  zone: HostedZoneRef,
  logicalId: string,
  target: ObserveTarget | undefined,
  markers: ReadonlyMap<string, string[]>,
  ctx: ObserveContext,
): ObservedResource {
  const name = fqdn(set.Name ?? '');
  return {
    kind: 'route53.Record',
    logicalId,
    name: target?.name ?? name,
    physicalId: recordPhysicalId(zone.id, name, set.Type ?? ''),
    spec: recordSpec(set, zone, target, ctx),
    tags: tagsFromMarker(markers.get(name) ?? [], ctx.project, ctx.stack, logicalId),
    outputs: recordOutputs(name),
    health: 'Healthy',
  };
}

/** Observes one zone: its targets, then records only this stack's markers still point at. */
async function observeZone(zone: HostedZoneRef, wanted: readonly Wanted[], ctx: ObserveContext) {
  let sets: ResourceRecordSet[];
  try {
    sets = await listZoneRecordSets(ctx.clients.route53, zone.id);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const soa = sets.find((s) => s.Type === 'SOA');
  const named: HostedZoneRef = { id: zone.id, name: zone.name || fqdn(soa?.Name ?? '') };
  const markers = new Map<string, string[]>();
  for (const s of sets) {
    const n = fqdn(s.Name ?? '');
    if (s.Type === 'TXT' && n.startsWith(`${MARKER_LABEL}.`))
      markers.set(n.slice(MARKER_LABEL.length + 1), recordValues(s));
  }
  const key = (name: string, type: string) => `${fqdn(name)}|${type}`;
  const byKey = new Map(sets.map((s) => [key(s.Name ?? '', s.Type ?? ''), s]));
  const out: ObservedResource[] = [];
  for (const w of wanted) {
    const set = byKey.get(key(w.name, w.type));
    if (set) out.push(observedRecord(set, named, w.target.logicalId, w.target, markers, ctx));
  }
  const known = new Set([...wanted.map((w) => w.target.logicalId), ...out.map((o) => o.logicalId)]);
  for (const [subject, values] of markers) {
    for (const owner of values.map(parseMarkerValue)) {
      if (!owner || owner.project !== ctx.project || owner.stack !== ctx.stack || known.has(owner.logicalId))
        continue;
      // Only an unambiguous leftover is reported: one record set at the name, so it must be the one we wrote.
      const atName = sets.filter((s) => fqdn(s.Name ?? '') === subject);
      if (atName.length === 1 && atName[0]) {
        out.push(observedRecord(atName[0], named, owner.logicalId, undefined, markers, ctx));
        known.add(owner.logicalId);
      }
    }
  }
  return out;
}

/** Physical id: `<zoneId>/<fqdn>/<type>` (see {@link recordPhysicalId}). */
export const route53RecordObserver: Observer = {
  kind: 'route53.Record',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const wanted = await resolveTargets(targets, ctx);
    const zones = new Map<string, HostedZoneRef>();
    for (const w of wanted) if (!zones.has(w.zone.id) || w.zone.name) zones.set(w.zone.id, w.zone);
    const out: ObservedResource[] = [];
    for (const zone of zones.values()) {
      out.push(
        ...(await observeZone(
          zone,
          wanted.filter((w) => w.zone.id === zone.id),
          ctx,
        )),
      );
    }
    return out;
  },
};
