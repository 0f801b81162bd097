/**
 * Route 53 plumbing shared by the record observer and applier: finding the hosted zone by name, reading
 * record sets, normalizing DNS names, and the ownership marker.
 *
 * Record sets cannot carry tags, so ownership is written next to each record as a TXT record
 * `_stackctl.<name>` whose values are `"stackctl:<project>/<stack>/<logicalId>"`, one per stackctl
 * record at that name. The applier writes the marker in the SAME change batch as the record (a batch is
 * atomic, so a record never exists without its marker); the observer turns the marker back into the
 * ownership tags, so the diff's ownership check works as for every other kind. A record with no marker
 * value for this project+stack is foreign and is never changed.
 *
 * @module
 */
import {
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { MANAGED_BY, TAG_KEYS } from '../desired/resource-types.js';
import { tagListToRecord } from '../desired/tags.js';
import { StackctlError } from '../errors.js';

/** The label prefixed to a record's name to form its ownership marker's name. */
export const MARKER_LABEL = '_stackctl';

/** TTL of marker records: nobody resolves them, so any value works. */
export const MARKER_TTL = 300;

/** Record sets per ListResourceRecordSets page (the API maximum). */
const RECORDS_PER_PAGE = 300;

/** Zones per ListHostedZonesByName page (the API maximum). */
const ZONES_PER_PAGE = 100;

/** A hosted zone: its bare id (`Z123…`, no `/hostedzone/`) and its name with the trailing dot. */
export interface HostedZoneRef {
  readonly id: string;
  readonly name: string;
}

/**
 * A DNS name in the form Route 53 stores: lowercase, with the trailing dot, `\052` written `*`.
 *
 * @example fqdn('WWW.Example.com') // 'www.example.com.'
 */
export function fqdn(name: string): string {
  const n = name.trim().toLowerCase().replace(/\\052/g, '*');
  return n.endsWith('.') ? n : `${n}.`;
}

/** A name compared loosely: {@link fqdn} minus the trailing dot and the `dualstack.` alias prefix. */
export function canonicalDnsName(name: string): string {
  return fqdn(name)
    .replace(/\.$/, '')
    .replace(/^dualstack\./, '');
}

/**
 * An observed DNS name in the desired spec's form: when both name the same host (see
 * {@link canonicalDnsName}), the desired string itself, so case, trailing dot and `dualstack.` are
 * never drift; otherwise the canonical form, with a trailing dot when `trailingDot`.
 */
export function presentDnsName(observed: string, desired: unknown, trailingDot: boolean): string {
  const canonical = canonicalDnsName(observed);
  if (typeof desired === 'string' && canonicalDnsName(desired) === canonical) return desired;
  return trailingDot ? `${canonical}.` : canonical;
}

/** The bare zone id (`/hostedzone/Z123` → `Z123`). */
export function bareZoneId(id: string): string {
  return id.replace(/^\/hostedzone\//, '');
}

/** The name of the ownership marker of record `name`. */
export function markerName(name: string): string {
  return `${MARKER_LABEL}.${fqdn(name)}`;
}

/** One marker value (quoted, as TXT values are stored). */
export function markerValue(project: string, stack: string, logicalId: string): string {
  return `"stackctl:${project}/${stack}/${logicalId}"`;
}

/** Who a marker value names as owner, or undefined for a value that is not a stackctl marker. */
export function parseMarkerValue(
  value: string,
): { readonly project: string; readonly stack: string; readonly logicalId: string } | undefined {
  const m = /^"?stackctl:([^/"]+)\/([^/"]+)\/([^"]+)"?$/.exec(value.trim());
  if (!m) return undefined;
  return { project: m[1] as string, stack: m[2] as string, logicalId: m[3] as string };
}

/** The ownership tags a marker value stands for (the same four tags every other kind carries). */
export function markerTags(value: string): Record<string, string> {
  const owner = parseMarkerValue(value);
  if (!owner) return {};
  return {
    [TAG_KEYS.managedBy]: MANAGED_BY,
    [TAG_KEYS.project]: owner.project,
    [TAG_KEYS.stack]: owner.stack,
    [TAG_KEYS.logicalId]: owner.logicalId,
  };
}

/**
 * The tags of the record `logicalId` from its marker's values: the value for that logical id and this
 * project+stack, else any value (another stack's claim), else none (a foreign record).
 */
export function tagsFromMarker(values: readonly string[], project: string, stack: string, logicalId: string) {
  const owners = values.map((v) => ({ v, owner: parseMarkerValue(v) })).filter((o) => o.owner !== undefined);
  const exact = owners.find(
    (o) => o.owner?.project === project && o.owner.stack === stack && o.owner.logicalId === logicalId,
  );
  const ours = owners.find((o) => o.owner?.project === project && o.owner.stack === stack);
  const chosen = exact ?? ours ?? owners[0];
  return chosen ? markerTags(chosen.v) : {};
}

/** The values of a TXT record set. */
export function recordValues(set: ResourceRecordSet | undefined): string[] {
  return (set?.ResourceRecords ?? []).flatMap((r) => (r.Value === undefined ? [] : [r.Value]));
}

/**
 * The hosted zone named `zoneName`. Zone names are not unique: with several, public zones win over
 * private ones, then zones tagged `stackctl:project=<project>`; a tie after that is an error asking the
 * user to tag the intended zone, because guessing would write records into the wrong zone.
 */
export async function findHostedZone(
  route53: Route53Client,
  zoneName: string,
  project: string,
): Promise<HostedZoneRef> {
  const name = fqdn(zoneName);
  const res = await route53.send(
    new ListHostedZonesByNameCommand({ DNSName: name, MaxItems: ZONES_PER_PAGE }),
  );
  let zones = (res.HostedZones ?? []).filter((z) => z.Name !== undefined && fqdn(z.Name) === name);
  if (zones.length === 0) {
    throw new StackctlError(
      'HOSTED_ZONE_NOT_FOUND',
      `No Route 53 hosted zone named ${name} exists in this account. stackctl never creates the public zone of your domain: create it (and delegate the domain to it), or change the stack's domain.`,
    );
  }
  if (zones.length > 1 && zones.some((z) => z.Config?.PrivateZone !== true)) {
    zones = zones.filter((z) => z.Config?.PrivateZone !== true);
  }
  if (zones.length > 1) {
    const ids = zones.map((z) => bareZoneId(z.Id ?? '')).slice(0, 10);
    const tagged = await route53.send(
      new ListTagsForResourcesCommand({ ResourceType: 'hostedzone', ResourceIds: ids }),
    );
    const mine = new Set(
      (tagged.ResourceTagSets ?? [])
        .filter((t) => tagListToRecord(t.Tags)[TAG_KEYS.project] === project)
        .map((t) => bareZoneId(t.ResourceId ?? '')),
    );
    if (mine.size > 0) zones = zones.filter((z) => mine.has(bareZoneId(z.Id ?? '')));
  }
  if (zones.length > 1) {
    throw new StackctlError(
      'HOSTED_ZONE_AMBIGUOUS',
      `Several Route 53 hosted zones are named ${name} (${zones.map((z) => bareZoneId(z.Id ?? '')).join(', ')}). Tag the one stackctl should use with ${TAG_KEYS.project}=${project}.`,
    );
  }
  const zone = zones[0];
  return { id: bareZoneId(zone?.Id ?? ''), name };
}

/**
 * Every record set of the zone, paging 300 at a time (the observer needs them all to find markers of
 * records no target names any more).
 */
export async function listZoneRecordSets(
  route53: Route53Client,
  zoneId: string,
): Promise<ResourceRecordSet[]> {
  return listFrom(route53, zoneId, undefined, () => true);
}

/** The record sets named exactly `name`, read from where that name starts in the zone's order. */
export async function listRecordSetsAt(
  route53: Route53Client,
  zoneId: string,
  name: string,
): Promise<ResourceRecordSet[]> {
  const want = fqdn(name);
  return listFrom(route53, zoneId, want, (set) => fqdn(set.Name ?? '') === want);
}

async function listFrom(
  route53: Route53Client,
  zoneId: string,
  startName: string | undefined,
  keep: (set: ResourceRecordSet) => boolean,
): Promise<ResourceRecordSet[]> {
  const out: ResourceRecordSet[] = [];
  let next: { name?: string | undefined; type?: ResourceRecordSet['Type'] } = { name: startName };
  for (;;) {
    const page = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        MaxItems: RECORDS_PER_PAGE,
        ...(next.name ? { StartRecordName: next.name } : {}),
        ...(next.type ? { StartRecordType: next.type } : {}),
      }),
    );
    const sets = page.ResourceRecordSets ?? [];
    const kept = sets.filter(keep);
    out.push(...kept);
    // Reading from a name: stop at the first set past it (the zone is sorted by name).
    if (startName !== undefined && kept.length < sets.length) return out;
    if (!page.IsTruncated || !page.NextRecordName) return out;
    next = { name: page.NextRecordName, type: page.NextRecordType };
  }
}
