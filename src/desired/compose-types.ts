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
  /**
   * Host/published port, when given. Only an `ingress` port with one is public (a load balancer
   * listener on this port); without it the port is private, as `docker run` publishes nothing either.
   */
  readonly published?: number;
  readonly protocol: 'tcp' | 'udp';
  /** Published `ingress` ports go behind the stack's ALB; `host` ports are reachable inside the stack only. */
  readonly mode: 'ingress' | 'host';
  /** Compose `app_protocol` / Defang's `http`/`grpc` hints, when given. */
  readonly appProtocol?: string;
  /**
   * Field path of the `ports` entry it came from (`services.web.ports[0]`), so the renderer can point a
   * refused port at its line. Absent for ports built in code.
   */
  readonly source?: string;
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

/**
 * An `environment` value that interpolates a secret (an SSM-supplied variable): composed at deploy time
 * into a derived SSM parameter, never rendered with a value.
 */
export interface ComposedEnvValue {
  /** Compose syntax: `$$` is a literal `$`, `${NAME}` one of `variables`. Holds no secret. */
  readonly template: string;
  /** The secret variables the template uses, sorted. */
  readonly variables: readonly string[];
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
  /** Keys whose value interpolates a secret (absent from `environment`); see {@link ComposedEnvValue}. */
  readonly composedEnvironment?: Readonly<Record<string, ComposedEnvValue>>;
  /**
   * Secret-looking keys written without a value whose value came from the interpolation environment
   * (shell, stack file `env:`, `.env`). Sensitive: `stackctl push` stores them as `null` again (SSM
   * secrets for the operator), so a local shell's secret never reaches the state table.
   */
  readonly interpolatedSecretKeys?: readonly string[];
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
  /**
   * `networks.<name>.aliases` of the long form, per network (only networks that give some). Other
   * services reach this one by these names too: each becomes a DNS name of the stack's namespace.
   */
  readonly networkAliases?: Readonly<Record<string, readonly string[]>>;
  /** `hostname`: compose makes it resolvable; stackctl makes it a DNS name of the stack's namespace. */
  readonly hostname?: string;
  /** `container_name`: resolvable like {@link ComposeService.hostname}. */
  readonly containerName?: string;
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
  /** The entry file, absolute: the project's first compose file. */
  readonly file: string;
  /** Every compose file merged, in order, absolute; present only when there is more than one. */
  readonly files?: readonly string[];
  /** Non-fatal findings (unsupported-but-harmless fields, dropped bind mounts, …). */
  readonly warnings: readonly Warning[];
  /** Where each field path came from, for errors raised after loading (e.g. by the renderer). */
  readonly locations: Readonly<Record<string, SourceLocation>>;
}
