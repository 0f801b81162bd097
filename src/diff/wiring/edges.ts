/**
 * The edges of a stack: every connection one of its services relies on, found in the resolved stack.
 *
 * A converged stack is not a working app (moto runs no containers, and a green reconcile can hide two
 * services that cannot reach each other). `stackctl check` proves each edge against observed AWS; this
 * module only says which edges there are. Edges come from names, never from values: a secret is never
 * read (secret keys are not in the resolved environment), and a URL's user info is skipped.
 *
 * An edge is:
 * - a `host:port`, URL host or bare host (`DB_HOST=db`) in an environment value, `command` or
 *   `entrypoint` that is another service's label (compose name, `hostname`, `container_name`, network
 *   alias; lowercase);
 * - a `depends_on` on another service;
 * - a published port: the public entry (listener → target group → ECS service).
 *
 * @module
 */
import type { ComposeService } from '../../desired/compose-types.js';
import { compareStrings } from '../../desired/render/canonical.js';
import { buildModel, type ServiceModel, type ServiceRole } from '../../desired/render/model.js';
import { publicEndpoints } from '../../desired/render/public-endpoints.js';
import { POSTGRES_PORT, REDIS_PORT } from '../../desired/render/render-security-groups.js';
import type { ResolvedStack } from '../../desired/resolved-types.js';

/** PostgreSQL's port: a managed Postgres callee listens there (the port its security group opens). */
export const MANAGED_POSTGRES_PORT = POSTGRES_PORT;
/** Redis's port: a managed Redis callee listens there (the port its security group opens). */
export const MANAGED_REDIS_PORT = REDIS_PORT;

/** Default ports of the URL schemes an app commonly writes. */
export const SCHEME_DEFAULT_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  postgres: 5432,
  postgresql: 5432,
  redis: 6379,
  mysql: 3306,
  mongodb: 27017,
  amqp: 5672,
};

/** "Every TCP port": a callee that declares no port is admitted on all of them (contract). */
export const ALL_PORTS = 'all' as const;

/** A port an edge needs, or every TCP port. */
export type EdgePort = number | typeof ALL_PORTS;

/** Where an edge was found: `environment.API_URL`, `command`, `entrypoint`, `depends_on`. */
export type EdgeSource = string;

/** A connection from one service of the stack to another, by name. */
export interface PrivateEdge {
  readonly type: 'private';
  readonly caller: string;
  /** The compose service that answers. */
  readonly callee: string;
  readonly calleeRole: ServiceRole;
  /** The DNS label the caller uses (the callee's name or one of its aliases), lowercase. */
  readonly label: string;
  readonly port: EdgePort;
  /** Every place the edge was found, sorted. */
  readonly sources: readonly EdgeSource[];
}

/** The public entry of a published port. */
export interface PublicEdge {
  readonly type: 'public';
  readonly callee: string;
  /** The listener port: the published port, or 443 for a domain stack's host rule. */
  readonly listenerPort: number;
  /** The container port the target group forwards to. */
  readonly port: number;
  /** The host rule's name in a domain stack. */
  readonly host?: string;
}

/** One edge. */
export type WiringEdge = PrivateEdge | PublicEdge;

/** `web → api:8080`, `internet → web:80 (listener 8080)`: how reports name an edge. */
export function edgeName(edge: WiringEdge): string {
  if (edge.type === 'public') {
    const entry = edge.host ? `https://${edge.host}` : `listener ${edge.listenerPort}`;
    return `internet → ${edge.callee}:${edge.port} (${entry})`;
  }
  const label = edge.label === edge.callee ? '' : ` as ${edge.label}`;
  return `${edge.caller} → ${edge.callee}:${edge.port}${label}`;
}

/** One host named in a text, with the port the text gives (explicit, or the scheme's default). */
export interface HostReference {
  readonly host: string;
  readonly port?: number;
}

const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s]*@)?(\[[^\]]*\]|[a-z0-9_.-]+)(?::(\d{1,5}))?/gi;
const HOST_PORT_PATTERN = /(?<![\w.:/@-])([a-z0-9_][a-z0-9_.-]*):(\d{1,5})(?![\w.])/gi;
const BARE_HOST_PATTERN = /^[a-z0-9_][a-z0-9_.-]*$/i;
const MAX_PORT = 65_535;

function validPort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  return Number.isInteger(port) && port > 0 && port <= MAX_PORT ? port : undefined;
}

/**
 * Every host a text names as a URL (`redis://cache:6379/0`, `http://api`) or `host:port` (`db:5432`),
 * lowercase. A URL without a port gets its scheme's default when the scheme has one; user info
 * (`postgres://user:secret@db`) is skipped, never returned.
 */
export function hostReferences(text: string): readonly HostReference[] {
  const found: HostReference[] = [];
  const rest = text.replace(URL_PATTERN, (_whole, scheme: string, host: string, port?: string) => {
    const explicit = validPort(port);
    const byScheme = SCHEME_DEFAULT_PORTS[scheme.toLowerCase()];
    const resolved = explicit ?? byScheme;
    found.push({ host: host.toLowerCase(), ...(resolved !== undefined ? { port: resolved } : {}) });
    return ' ';
  });
  for (const m of rest.matchAll(HOST_PORT_PATTERN)) {
    const port = validPort(m[2]);
    if (m[1] !== undefined && port !== undefined) found.push({ host: m[1].toLowerCase(), port });
  }
  return found;
}

/**
 * Keys whose bare-word value names a host (`DB_HOST=db`, `REDIS_SERVER=cache`). Any other key's bare word
 * is not read as one: `POSTGRES_USER=gitea` names a user that happens to share a service's name.
 */
export const HOST_KEY_PATTERN = /HOST|ADDR|SERVER|ENDPOINT|BROKER|NODE|PEER/i;

/** The text itself as a host when it is one bare word (`DB_HOST=db`), else nothing. */
export function bareHost(text: string): string | undefined {
  const t = text.trim();
  return BARE_HOST_PATTERN.test(t) ? t.toLowerCase() : undefined;
}

/**
 * The DNS labels a service answers to: its compose name, `hostname`, `container_name` and network
 * aliases; lowercase, distinct (as `render-discovery.ts` registers them).
 */
export function serviceLabels(compose: ComposeService): readonly string[] {
  const aliases = Object.values(compose.networkAliases ?? {}).flat();
  const names = [compose.name, compose.hostname, compose.containerName, ...aliases];
  return [...new Set(names.filter((n): n is string => n !== undefined).map((l) => l.toLowerCase()))];
}

/**
 * The ports a callee listens on: managed data's port, else its declared container ports (`ports`,
 * `expose`), else every TCP port (what its group admits when it declares none).
 */
export function listeningPorts(svc: ServiceModel): readonly EdgePort[] {
  if (svc.role === 'postgres') return [MANAGED_POSTGRES_PORT];
  if (svc.role === 'redis') return [MANAGED_REDIS_PORT];
  if (svc.listensOnAnyPort) return [ALL_PORTS];
  const tcp = svc.internalPorts.filter((p) => p.protocol === 'tcp').map((p) => p.port);
  return tcp.length > 0 ? [...new Set(tcp)] : [ALL_PORTS];
}

interface Found {
  readonly callee: ServiceModel;
  readonly label: string;
  readonly port: EdgePort;
  readonly source: EdgeSource;
}

function portKey(port: EdgePort): string {
  return String(port);
}

/**
 * Every edge of `resolved`, sorted: private edges by caller, callee, port; then public edges.
 * `labelsOf` names the labels of a service (default {@link serviceLabels}).
 */
export function wiringEdges(
  resolved: ResolvedStack,
  labelsOf: (compose: ComposeService) => readonly string[] = serviceLabels,
): readonly WiringEdge[] {
  const model = buildModel(resolved);
  const byLabel = new Map<string, ServiceModel>();
  for (const svc of model.services) {
    for (const label of labelsOf(svc.resolved.compose)) if (!byLabel.has(label)) byLabel.set(label, svc);
  }
  const edges = new Map<string, { found: Found; caller: string; sources: Set<string> }>();
  const add = (caller: ServiceModel, f: Found): void => {
    if (f.callee.name === caller.name) return;
    const key = `${caller.name}\u0000${f.callee.name}\u0000${portKey(f.port)}\u0000${f.label}`;
    const entry = edges.get(key) ?? { found: f, caller: caller.name, sources: new Set<string>() };
    entry.sources.add(f.source);
    edges.set(key, entry);
  };
  const fromText = (caller: ServiceModel, text: string, source: string, allowBare: boolean): void => {
    for (const ref of hostReferences(text)) {
      const callee = byLabel.get(ref.host);
      if (!callee) continue;
      const ports = ref.port !== undefined ? [ref.port] : listeningPorts(callee);
      for (const port of ports) add(caller, { callee, label: ref.host, port, source });
    }
    const bare = allowBare ? bareHost(text) : undefined;
    const callee = bare === undefined ? undefined : byLabel.get(bare);
    if (bare !== undefined && callee)
      for (const port of listeningPorts(callee)) add(caller, { callee, label: bare, port, source });
  };
  for (const caller of model.services) {
    if (caller.role !== 'service' && caller.role !== 'one-off') continue;
    for (const [key, value] of Object.entries(caller.resolved.environment))
      fromText(caller, value.value, `environment.${key}`, HOST_KEY_PATTERN.test(key));
    const compose = caller.resolved.compose;
    for (const word of compose.command ?? []) fromText(caller, word, 'command', false);
    for (const word of compose.entrypoint ?? []) fromText(caller, word, 'entrypoint', false);
    for (const dep of caller.dependsOn) {
      const callee = model.services.find((s) => s.name === dep);
      if (!callee || callee.role === 'one-off') continue;
      for (const port of listeningPorts(callee))
        add(caller, { callee, label: callee.name.toLowerCase(), port, source: 'depends_on' });
    }
  }
  const privateEdges = [...edges.values()].map(
    ({ found, caller, sources }): PrivateEdge => ({
      type: 'private',
      caller,
      callee: found.callee.name,
      calleeRole: found.callee.role,
      label: found.label,
      port: found.port,
      sources: [...sources].sort(compareStrings),
    }),
  );
  privateEdges.sort(
    (a, b) =>
      compareStrings(a.caller, b.caller) ||
      compareStrings(a.callee, b.callee) ||
      compareStrings(portKey(a.port).padStart(6, '0'), portKey(b.port).padStart(6, '0')) ||
      compareStrings(a.label, b.label),
  );
  return [...privateEdges, ...publicEdges(resolved)];
}

/** One public edge per public endpoint, exactly as the renderer routes it (`publicEndpoints`). */
function publicEdges(resolved: ResolvedStack): PublicEdge[] {
  return publicEndpoints(resolved).map(
    (e): PublicEdge => ({
      type: 'public',
      callee: e.service,
      listenerPort: e.publishedPort,
      port: e.containerPort,
      ...(e.host !== undefined ? { host: e.host.toLowerCase() } : {}),
    }),
  );
}
