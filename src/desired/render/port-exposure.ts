/**
 * Whether a published port may go on the load balancer, which speaks HTTP(S) only.
 *
 * A published port (`"8080:80"`) is served as HTTP unless something says it is not: its `app_protocol`
 * names another protocol, or its container port is the well-known non-HTTP port of a data image (Redis
 * on 6379, PostgreSQL on 5432, …, see {@link NON_HTTP_IMAGE_PORTS}). Such a port is refused with an
 * error that says what to write instead, rather than becoming an internet-facing HTTP target group
 * that can never be healthy. The stack file has the last word: `services.<svc>.ports.<published>:
 * private` keeps a port off the load balancer, `http` asserts it is HTTP despite the heuristics.
 *
 * @module
 */
import type { ComposePort } from '../compose-types.js';
import type { ResolvedService } from '../resolved-types.js';

/** `app_protocol` values the load balancer can serve. */
export const HTTP_APP_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'http2', 'ws', 'wss']);

/**
 * Images whose well-known container ports speak a protocol other than HTTP, keyed by image name (the
 * last path segment without tag: `bitnami/redis:7` → `redis`). HTTP ports of the same images (the
 * RabbitMQ management UI on 15672, Elasticsearch's REST API on 9200) are not listed.
 */
export const NON_HTTP_IMAGE_PORTS: Readonly<Record<string, readonly number[]>> = {
  redis: [6379],
  'redis-stack-server': [6379],
  valkey: [6379],
  keydb: [6379],
  postgres: [5432],
  postgis: [5432],
  timescaledb: [5432],
  mysql: [3306, 33060],
  mariadb: [3306],
  mongo: [27017],
  mongodb: [27017],
  memcached: [11211],
  rabbitmq: [5672, 5671, 4369, 25672],
  cassandra: [9042, 7000],
  elasticsearch: [9300],
  opensearch: [9300],
  zookeeper: [2181],
  kafka: [9092],
  nats: [4222, 6222],
  mssql: [1433],
  'mssql-server': [1433],
};

/** How one published port is served. */
export type PortExposure =
  | { readonly kind: 'public' }
  | { readonly kind: 'private' }
  | { readonly kind: 'refused'; readonly reason: string };

/** `docker.io/bitnami/redis:7.2@sha256:…` → `redis`. */
export function imageBaseName(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return (colon < 0 ? lastSegment : lastSegment.slice(0, colon)).toLowerCase();
}

/** Why `port` of `image` is not HTTP, or undefined when nothing says so. */
function nonHttpReason(port: ComposePort, image: string | undefined): string | undefined {
  const app = port.appProtocol?.toLowerCase();
  if (app !== undefined) {
    return HTTP_APP_PROTOCOLS.has(app) ? undefined : `its app_protocol is ${app}, not HTTP`;
  }
  if (image === undefined) return undefined;
  const base = imageBaseName(image);
  if (NON_HTTP_IMAGE_PORTS[base]?.includes(port.target)) {
    return `container port ${port.target} of image ${image} speaks the ${base} protocol, not HTTP`;
  }
  return undefined;
}

/**
 * How published tcp ingress port `port` of long-running service `svc` is served. Call only for ports
 * with a `published` side; every other port is private by construction.
 */
export function publishedPortExposure(svc: ResolvedService, port: ComposePort): PortExposure {
  const override = svc.portOverrides?.[String(port.published)]?.value;
  if (override === 'private') return { kind: 'private' };
  if (override === 'http') return { kind: 'public' };
  const reason = nonHttpReason(port, svc.image?.value ?? svc.compose.image);
  return reason === undefined ? { kind: 'public' } : { kind: 'refused', reason };
}

/** The refusal message of `port`: what is wrong and the three ways out. */
export function refusedPortMessage(service: string, port: ComposePort, reason: string): string {
  const published = port.published ?? port.target;
  return (
    `port "${published}:${port.target}" cannot be published on the load balancer, which serves HTTP ` +
    `only: ${reason}. To reach it from the stack's services only, drop the host side ` +
    `("${port.target}") or list it under expose; or keep it in compose and set ` +
    `\`services.${service}.ports: { "${published}": private }\` in the stack file; if it does speak ` +
    `HTTP, set \`services.${service}.ports: { "${published}": http }\``
  );
}
