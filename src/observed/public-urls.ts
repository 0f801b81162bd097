/**
 * The stack's public URLs as AWS serves them: every public entry the render routes
 * (`publicEndpoints`), on the load balancer's live DNS name (`http://<alb dns>:8080/`, port 80 left
 * out) or its HTTPS host name (`https://shop.example.com/`). Printed after `reconcile` and by `status`,
 * so a user never has to look the load balancer up. Read-only: one DescribeLoadBalancers at most.
 *
 * @module
 */
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/types.js';
import { endpointUrl, publicEndpoints } from '../desired/render/public-endpoints.js';
import type { ResolvedStack } from '../desired/resolved-types.js';
import type { DesiredStack } from '../desired/resource-types.js';
import { unlessNotFound } from './observe-helpers.js';

/** The logical id the renderer gives the stack's load balancer. */
const ALB_ID = 'alb';

/** One public URL and the service behind it. */
export interface PublicUrl {
  readonly service: string;
  readonly containerPort: number;
  readonly url: string;
}

/** Inputs of {@link readPublicUrls}. */
export interface PublicUrlsInput {
  readonly clients: AwsClients;
  readonly desired: DesiredStack;
  readonly resolved: ResolvedStack;
  /** Outputs of an observe pass, when one was made after the load balancer existed. */
  readonly outputs?: ReadonlyMap<string, Readonly<Record<string, string | number>>>;
}

async function loadBalancerDns(input: PublicUrlsInput): Promise<string | undefined> {
  const known = input.outputs?.get(ALB_ID)?.dnsName;
  if (typeof known === 'string' && known !== '') return known;
  const name = input.desired.resources.find((r) => r.logicalId === ALB_ID)?.name;
  if (name === undefined) return undefined;
  const res = await unlessNotFound(() =>
    input.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] })),
  );
  return res?.LoadBalancers?.[0]?.DNSName;
}

/**
 * Every public URL of the stack, in endpoint order. Entries on the load balancer's own name are left
 * out while it does not exist (nothing answers there yet); HTTPS host names are always listed.
 */
export async function readPublicUrls(input: PublicUrlsInput): Promise<readonly PublicUrl[]> {
  const endpoints = publicEndpoints(input.resolved);
  if (endpoints.length === 0) return [];
  const dns = endpoints.some((e) => e.host === undefined) ? await loadBalancerDns(input) : undefined;
  return endpoints.flatMap((e): PublicUrl[] =>
    e.host === undefined && dns === undefined
      ? []
      : [{ service: e.service, containerPort: e.containerPort, url: endpointUrl(e, dns ?? '') }],
  );
}
