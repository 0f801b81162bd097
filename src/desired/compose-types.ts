/**
 * The normalized compose model: what `loadCompose` returns after YAML, interpolation, anchors, `extends`,
 * `env_file` and profiles are resolved, and every list/map/string/long form is folded into one shape.
 *
 * Everything downstream (stack layering, rendering) reads only this model, never raw YAML, so each
 * compose spelling is handled in exactly one place.
 *
 * @module
 */
import type { SourceLocation, Warning } from '../errors.js';

/** A published port, after short and long syntax are folded together. */
export interface ComposePort {
  /** Container port. */
  readonly target: number;
  /** Host/published port, when given. Ingress ports without one publish `target`. */
  readonly published?: number;
  readonly protocol: 'tcp' | 'udp';
  /** `ingress` ports go behind the stack's ALB; `host` ports are reachable inside the stack only. */
  readonly mode: 'ingress' | 'host';
  /** Compose `app_protocol` / Defang's `http`/`grpc` hints, when given. */
  readonly appProtocol?: string;
}

/** A container health check; `test` is always the exec form (`['CMD', ...]` or `['CMD-SHELL', cmd]`). */
export type ComposeHealthcheck =
  | { readonly disable: true }
  | {
      readonly disable: false;
      readonly test: readonly string[];
      /** Seconds. */
      readonly interval?: number;
      /** Seconds. */
      readonly timeout?: number;
      readonly retries?: number;
      /** Seconds. */
      readonly startPeriod?: number;
    };

/** `depends_on` entry, list form normalized to `service_started`. */
export interface ComposeDependency {
  readonly condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  readonly required: boolean;
}

/** CPU/memory from `deploy.resources`; cpus in vCPU, memory in MiB. */
export interface ComposeResources {
  readonly cpus?: number;
  readonly memoryMiB?: number;
}

/** Managed Postgres request (`x-stackctl-postgres` / `x-defang-postgres`). */
export interface ComposePostgres {
  /** Major version from the service image tag (`postgres:16-alpine` → `16`), when it has one. */
  readonly engineVersion?: string;
  readonly allowDowngrade?: boolean;
}

/** Managed Redis request (`x-stackctl-redis` / `x-defang-redis`). */
export interface ComposeRedis {
  /** Version from the image tag (`redis:7.2` → `7.2`), when it has one. */
  readonly engineVersion?: string;
}

/** Autoscaling request (`x-stackctl-autoscaling` / `x-defang-autoscaling`). */
export interface ComposeAutoscaling {
  readonly min?: number;
  readonly max?: number;
  /** Target average CPU utilisation, percent. */
  readonly targetCpu?: number;
}

/** One compose service, normalized. Fields absent in the file are absent here (no invented defaults). */
export interface ComposeService {
  readonly name: string;
  readonly image?: string;
  /** Present when the file has `build`; stackctl never builds, so an image must come from elsewhere. */
  readonly build?: {
    readonly context: string;
    readonly dockerfile?: string;
    readonly target?: string;
    readonly args?: Readonly<Record<string, string>>;
  };
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Literal values, and `null` for keys given without a value (secrets supplied through SSM). */
  readonly environment: Readonly<Record<string, string | null>>;
  readonly ports: readonly ComposePort[];
  /** `expose` container ports: reachable inside the stack only. */
  readonly expose: readonly number[];
  readonly healthcheck?: ComposeHealthcheck;
  readonly dependsOn: Readonly<Record<string, ComposeDependency>>;
  readonly replicas?: number;
  readonly reservations?: ComposeResources;
  readonly limits?: ComposeResources;
  readonly restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  readonly domainname?: string;
  readonly profiles: readonly string[];
  /** Names of compose `secrets:` the service uses; each becomes an env var from SSM. */
  readonly secrets: readonly string[];
  /** Names of networks the service joins (`default` when none given). */
  readonly networks: readonly string[];
  /** Named volumes mounted (bind mounts are dropped with a warning). */
  readonly volumes: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  readonly stopGracePeriodSeconds?: number;
  readonly readOnly?: boolean;
  readonly init?: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly postgres?: ComposePostgres;
  readonly redis?: ComposeRedis;
  readonly autoscaling?: ComposeAutoscaling;
}

/** The whole loaded project. */
export interface ComposeModel {
  /** Top-level `name:` when present; otherwise the caller decides (stack file, `-p`, directory). */
  readonly name?: string;
  /** Services enabled under the selected profiles, in file order. */
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes: readonly string[];
  readonly networks: readonly string[];
  readonly secrets: readonly string[];
  /** The entry file, absolute. */
  readonly file: string;
  /** Non-fatal findings (unsupported-but-harmless fields, dropped bind mounts, …). */
  readonly warnings: readonly Warning[];
  /** Where each field path came from, for errors raised after loading (e.g. by the renderer). */
  readonly locations: Readonly<Record<string, SourceLocation>>;
}
