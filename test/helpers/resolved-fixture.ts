/**
 * Builds ResolvedStack values in code for renderer tests, independent of the compose and stack-file
 * loaders. Defaults are the smallest valid stack; every field can be overridden.
 *
 * @module
 */
import type { ComposePort, ComposeService } from '../../src/desired/compose-types.js';
import type { ModePreset, ResolvedService, ResolvedStack } from '../../src/desired/resolved-types.js';
import { MODE_PRESETS } from '../../src/desired/stack/presets.js';
import type { Layer, Mode, NetworkConfig, Provenanced } from '../../src/desired/stack-types.js';

/** The compose file every fixture pretends to come from. */
export const FIXTURE_COMPOSE_FILE = '/project/compose.yaml';

/** The real mode table: fixtures resolve presets exactly as stacks do. */
export const TEST_PRESETS: Readonly<Record<Mode, ModePreset>> = MODE_PRESETS;

/** A provenanced value (layer `compose` unless given). */
export function prov<T>(value: T, layer: Layer = 'compose'): Provenanced<T> {
  return { value, layer };
}

/** Fields of {@link composeService}; `undefined` removes a default (e.g. `image: undefined`). */
export type ComposeServiceFields = {
  readonly [K in keyof Omit<ComposeService, 'name'>]?: ComposeService[K] | undefined;
};

/** A normalized compose service with empty collections; override what the test needs. */
export function composeService(name: string, fields: ComposeServiceFields = {}): ComposeService {
  const service: Record<string, unknown> = {
    name,
    image: `${name}:1.0`,
    environment: {},
    ports: [],
    expose: [],
    dependsOn: {},
    profiles: [],
    secrets: [],
    networks: ['default'],
    volumes: [],
    labels: {},
    ...fields,
  };
  for (const key of Object.keys(service)) if (service[key] === undefined) delete service[key];
  return service as unknown as ComposeService;
}

/** A published short-syntax port (`"8080:8080"`, or `"<published>:8080"` via `extra`): ingress, tcp. */
export function ingressPort(target: number, extra: Partial<ComposePort> = {}): ComposePort {
  return { target, published: target, protocol: 'tcp', mode: 'ingress', ...extra };
}

/** A container-only port (`"6379"`): no published side, so private. */
export function containerOnlyPort(target: number): ComposePort {
  return { target, protocol: 'tcp', mode: 'ingress' };
}

/** A host-mode port: reachable inside the stack only. */
export function hostPort(target: number, protocol: 'tcp' | 'udp' = 'tcp'): ComposePort {
  return { target, protocol, mode: 'host' };
}

/** What a test may set on one resolved service beyond its compose form. */
export interface ServiceOverrides {
  readonly image?: string | null;
  readonly replicas?: number;
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly environment?: Readonly<Record<string, Provenanced<string>>>;
  readonly domainname?: Provenanced<string>;
  /** Stack-file `ports` overrides by published port. */
  readonly portOverrides?: Readonly<Record<string, 'private' | 'http'>>;
  readonly autoscaling?: { readonly min: number; readonly max: number; readonly targetCpu: number };
}

/** Resolves one compose service the way the layering would with no stack file (image `null` = none). */
export function resolvedService(compose: ComposeService, o: ServiceOverrides = {}): ResolvedService {
  const literal = Object.entries(compose.environment).filter((e): e is [string, string] => e[1] !== null);
  const secretKeys = [
    ...Object.entries(compose.environment)
      .filter(([, v]) => v === null)
      .map(([k]) => k),
    ...compose.secrets,
  ];
  const image = o.image === undefined ? compose.image : (o.image ?? undefined);
  const replicas = o.replicas ?? compose.replicas ?? 1;
  const scaling =
    o.autoscaling ??
    (compose.autoscaling === undefined
      ? undefined
      : {
          min: compose.autoscaling.min ?? replicas,
          max: compose.autoscaling.max ?? replicas * 2,
          targetCpu: compose.autoscaling.targetCpu ?? 70,
        });
  const domainname =
    o.domainname ?? (compose.domainname === undefined ? undefined : prov(compose.domainname));
  return {
    name: compose.name,
    compose,
    ...(image === undefined ? {} : { image: prov(image) }),
    replicas: prov(replicas),
    cpu: prov(o.cpu ?? 256, 'default'),
    memoryMiB: prov(o.memoryMiB ?? 512, 'default'),
    environment: o.environment ?? Object.fromEntries(literal.map(([k, v]) => [k, prov(v)])),
    secretKeys: [...new Set(secretKeys)].sort(),
    ...(domainname === undefined ? {} : { domainname }),
    ...(o.portOverrides === undefined
      ? {}
      : {
          portOverrides: Object.fromEntries(
            Object.entries(o.portOverrides).map(([k, v]) => [k, prov(v, 'stack-file')]),
          ),
        }),
    ...(scaling === undefined ? {} : { autoscaling: prov(scaling) }),
  };
}

/** Options of {@link resolvedStack}. */
export interface StackFixture {
  readonly project?: string;
  readonly stack?: string;
  readonly region?: string;
  readonly mode?: Mode;
  readonly domain?: string;
  readonly network?: NetworkConfig;
  /** Compose services, in file order. */
  readonly services: readonly ComposeService[];
  readonly overrides?: Readonly<Record<string, ServiceOverrides>>;
  /** Compose locations by field path (defaults: none, so problems fall back to the file). */
  readonly locations?: Readonly<Record<string, { file: string; line?: number; column?: number }>>;
}

/** A whole ResolvedStack: defaults project `shop`, stack `dev`, eu-west-1, affordable, created VPC. */
export function resolvedStack(f: StackFixture): ResolvedStack {
  const mode = f.mode ?? 'affordable';
  const preset = TEST_PRESETS[mode];
  const services = Object.fromEntries(
    f.services.map((s) => [s.name, resolvedService(s, f.overrides?.[s.name] ?? {})]),
  );
  return {
    project: prov(f.project ?? 'shop', 'default'),
    stack: f.stack ?? 'dev',
    region: prov(f.region ?? 'eu-west-1', 'stack-file'),
    mode: prov(mode, 'stack-file'),
    ...(f.domain === undefined ? {} : { domain: prov(f.domain, 'stack-file') }),
    network: prov(f.network ?? { vpc: 'create' }, 'stack-file'),
    preset,
    logRetentionDays: prov(preset.logRetentionDays, 'mode'),
    driftPolicy: prov('correct', 'default'),
    services,
    postgres: {
      instanceClass: prov(preset.postgres.instanceClass, 'mode'),
      allocatedStorageGiB: prov(preset.postgres.allocatedStorageGiB, 'mode'),
      multiAz: prov(preset.postgres.multiAz, 'mode'),
      backupRetentionDays: prov(preset.postgres.backupRetentionDays, 'mode'),
      deletionProtection: prov(preset.postgres.deletionProtection, 'mode'),
    },
    redis: {
      nodeType: prov(preset.redis.nodeType, 'mode'),
      nodes: prov(preset.redis.nodes, 'mode'),
      automaticFailover: prov(preset.redis.automaticFailover, 'mode'),
    },
    compose: {
      services: Object.fromEntries(f.services.map((s) => [s.name, s])),
      volumes: [],
      networks: ['default'],
      secrets: [],
      file: FIXTURE_COMPOSE_FILE,
      warnings: [],
      locations: f.locations ?? {},
    },
    warnings: [],
  };
}

/** A typical web app: `web` (ingress 80, depends on api), `api` (ingress 8080, secret), `worker`. */
export function typicalServices(): ComposeService[] {
  return [
    composeService('web', {
      ports: [ingressPort(80)],
      dependsOn: { api: { condition: 'service_started', required: true } },
    }),
    composeService('api', {
      ports: [ingressPort(8080)],
      environment: { LOG_LEVEL: 'info', API_KEY: null },
      healthcheck: {
        disable: false,
        test: ['CMD', 'curl', '-f', 'http://localhost:8080/healthz'],
        interval: 10,
      },
    }),
    composeService('worker', { expose: [9000] }),
  ];
}
