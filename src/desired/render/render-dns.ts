/**
 * Host names: one DNS-validated ACM certificate for every host the stack serves, a validation record
 * per host it names, and an alias A record per host pointing at the ALB, all in the stack's Route 53
 * zone.
 *
 * Record names are written fully qualified with the trailing dot, as Route 53 returns them (and as
 * `hostedZoneName` is written).
 *
 * @module
 */
import type { DesiredResource } from '../resource-types.js';
import { ref, validationRecordAttrs } from '../resource-types.js';
import { type RenderContext, resource } from './context.js';

/** TTL of the certificate validation CNAME. */
export const VALIDATION_RECORD_TTL_SECONDS = 300;

/** Logical id of the alias record of `host`. */
export function recordId(host: string): string {
  return `dns/${host}`;
}

/**
 * Logical ids of the certificate's DNS validation records, one per host it names: `dns/validation` for
 * its domain (the first host), `dns/validation/<host>` for each other one. ACM issues the certificate
 * only once every name is validated, so the HTTPS listener waits for all of them.
 */
export function validationRecordIds(hosts: readonly string[]): string[] {
  return hosts.map((host, i) => (i === 0 ? 'dns/validation' : `dns/validation/${host}`));
}

/** Certificate, validation record and alias records; nothing without HTTPS hosts. */
export function renderDns(ctx: RenderContext): DesiredResource[] {
  const { model, routing, resolved } = ctx;
  const domain = resolved.domain?.value.toLowerCase();
  const [first, ...others] = routing.hosts;
  if (!routing.https || domain === undefined || first === undefined) return [];
  const hostedZoneName = `${domain}.`;
  return [
    resource(model, {
      kind: 'acm.Certificate',
      logicalId: 'cert',
      name: first,
      spec: { domainName: first, subjectAlternativeNames: others, validationMethod: 'DNS' },
      dependsOn: [],
    }),
    ...validationRecordIds(routing.hosts).map((logicalId, i) => {
      const attrs = validationRecordAttrs(i);
      return resource(model, {
        kind: 'route53.Record',
        logicalId,
        name: `_validation.${routing.hosts[i] as string}`,
        spec: {
          hostedZoneName,
          name: ref('cert', attrs.name),
          type: 'CNAME',
          ttl: VALIDATION_RECORD_TTL_SECONDS,
          values: [ref('cert', attrs.value)],
        },
        dependsOn: ['cert'],
      });
    }),
    ...routing.hosts.map((host) =>
      resource(model, {
        kind: 'route53.Record',
        logicalId: recordId(host),
        name: host,
        spec: {
          hostedZoneName,
          name: `${host}.`,
          type: 'A',
          aliasTarget: {
            dnsName: ref('alb', 'dnsName'),
            hostedZoneId: ref('alb', 'canonicalHostedZoneId'),
            evaluateTargetHealth: false,
          },
        },
        dependsOn: ['alb'],
      }),
    ),
  ];
}
