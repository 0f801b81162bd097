/**
 * Host names: one DNS-validated ACM certificate for every host the stack serves, its validation
 * record, and an alias A record per host pointing at the ALB, all in the stack's Route 53 zone.
 *
 * Record names are written fully qualified with the trailing dot, as Route 53 returns them (and as
 * `hostedZoneName` is written).
 *
 * @module
 */
import type { DesiredResource } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { type RenderContext, resource } from './context.js';

/** TTL of the certificate validation CNAME. */
export const VALIDATION_RECORD_TTL_SECONDS = 300;

/** Logical id of the alias record of `host`. */
export function recordId(host: string): string {
  return `dns/${host}`;
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
    resource(model, {
      kind: 'route53.Record',
      logicalId: 'dns/validation',
      name: `_validation.${first}`,
      spec: {
        hostedZoneName,
        name: ref('cert', 'validationRecordName'),
        type: 'CNAME',
        ttl: VALIDATION_RECORD_TTL_SECONDS,
        values: [ref('cert', 'validationRecordValue')],
      },
      dependsOn: ['cert'],
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
