/**
 * The stack's public entries, so the CLI can print where the app answers
 * (`http://<alb dns>:8080/`, `https://shop.example.com/`) once the load balancer's DNS name is known,
 * and `check` can probe them. Pure: computed from the resolved stack with the same routing the
 * renderer uses, so what is printed is what was rendered.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import { buildModel } from './model.js';
import { computeRouting, HTTP_PORT, HTTPS_PORT, type PublicEndpoint } from './routing.js';

export type { PublicEndpoint } from './routing.js';

/**
 * Every public entry of `resolved`: one per published HTTP port (on the load balancer's own name) and
 * one per HTTPS host name, sorted by service and container port.
 *
 * @example
 * publicEndpoints(resolved);
 * // [{ service: 'api', containerPort: 80, publishedPort: 8080, protocol: 'http' },
 * //  { service: 'web', containerPort: 80, publishedPort: 80, protocol: 'http' }]
 */
export function publicEndpoints(resolved: ResolvedStack): readonly PublicEndpoint[] {
  const model = buildModel(resolved);
  return computeRouting(model, resolved.domain?.value.toLowerCase()).endpoints;
}

/**
 * The URL of `endpoint`, given the load balancer's DNS name: `http://<alb>:8080/`, `http://<alb>/`
 * (port 80 left out), `https://shop.example.com/`.
 */
export function endpointUrl(endpoint: PublicEndpoint, loadBalancerDnsName: string): string {
  const host = endpoint.host ?? loadBalancerDnsName;
  const defaultPort = endpoint.protocol === 'https' ? HTTPS_PORT : HTTP_PORT;
  const port = endpoint.publishedPort === defaultPort ? '' : `:${endpoint.publishedPort}`;
  return `${endpoint.protocol}://${host}${port}/`;
}
