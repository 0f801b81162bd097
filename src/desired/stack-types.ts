/**
 * Stack files (`.stackctl/<stack>.yaml`) and the layered, provenance-carrying settings they resolve to.
 *
 * Layers, lowest to highest: compose → mode preset → stack file → CLI flags. Every resolved value keeps
 * the layer (and, for files, the location) that set it, so `render --explain` can answer "why is this 4?".
 *
 * @module
 */
import type { SourceLocation } from '../errors.js';

/** The three deployment modes; each is one column of the preset table. */
export const MODES = ['affordable', 'balanced', 'high_availability'] as const;
/** A deployment mode. */
export type Mode = (typeof MODES)[number];

/** One `ignoreChanges:` rule as written: `kind:logicalId[:field]` and where (`.stackctl/prod.yaml:12`). */
export interface IgnoreRuleSource {
  readonly text: string;
  readonly source: string;
}

/** What the operator does with drift it finds. */
export const DRIFT_POLICIES = ['correct', 'warn', 'ignore'] as const;
/** A drift policy. */
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

/** Where the stack's network comes from. */
export type NetworkConfig =
  | { readonly vpc: 'create'; readonly cidr?: string }
  | {
      readonly vpc: string;
      readonly publicSubnets: readonly string[];
      readonly privateSubnets: readonly string[];
      /**
       * `manage`: stackctl associates its own DHCP options set with the VPC (putting the stack's
       * namespace in the DNS search domain, so short service names resolve) and restores the VPC's
       * previous set on delete. Absent: the VPC's DHCP options are left alone.
       */
      readonly dhcpOptions?: DhcpOptionsPolicy;
    };

/** What a stack may do to an existing VPC's DHCP options (only `manage` so far). */
export const DHCP_OPTIONS_POLICIES = ['manage'] as const;
/** A DHCP options policy. */
export type DhcpOptionsPolicy = (typeof DHCP_OPTIONS_POLICIES)[number];

/** Per-service overrides in a stack file. */
export interface StackServiceConfig {
  readonly replicas?: number;
  /** vCPU, e.g. 0.25, 1, 2. */
  readonly cpus?: number;
  /** MiB (the file accepts `512`, `512MiB`, `2GiB`, `1g`). */
  readonly memoryMiB?: number;
  readonly image?: string;
  /** A host name in the stack's domain, or `false` to not use the compose `domainname` in this stack. */
  readonly domainname?: string | false;
  /**
   * Per published port (`"8080"`), how it is served: `private` keeps it off the load balancer, `http`
   * asserts it speaks HTTP where stackctl would refuse it (a data image's port, `app_protocol`).
   */
  readonly ports?: Readonly<Record<string, PortExposureOverride>>;
  readonly environment?: Readonly<Record<string, string>>;
  readonly autoscaling?: { readonly min?: number; readonly max?: number; readonly targetCpu?: number };
}

/** Values of `services.<svc>.ports.<published>` in a stack file. */
export const PORT_EXPOSURE_OVERRIDES = ['private', 'http'] as const;
/** How the stack file says one published port is served. */
export type PortExposureOverride = (typeof PORT_EXPOSURE_OVERRIDES)[number];

/** Overrides for the managed data services. */
export interface StackDataConfig {
  readonly instanceClass?: string;
  readonly allocatedStorageGiB?: number;
  readonly multiAz?: boolean;
  readonly backupRetentionDays?: number;
  readonly deletionProtection?: boolean;
}

/** Overrides for managed Redis. */
export interface StackRedisConfig {
  readonly nodeType?: string;
  readonly nodes?: number;
}

/** The stack file's `compose:` section. */
export interface StackComposeConfig {
  /**
   * Compose files merged, in order, after the project's files (`-f`, `COMPOSE_FILE`, or the default file
   * and its override), relative to the project directory (the first compose file's directory).
   */
  readonly files: readonly string[];
}

/** A parsed, schema-valid stack file. */
export interface StackFile {
  /** Stack name, from the file name (`.stackctl/prod.yaml` → `prod`). */
  readonly stack: string;
  readonly file: string;
  /** Overrides the compose project name when set. */
  readonly project?: string;
  readonly region: string;
  readonly mode: Mode;
  /** Public Route 53 zone the stack's domain names live in. */
  readonly domain?: string;
  readonly network: NetworkConfig;
  /** Extra interpolation variables for compose (below the shell environment, above `.env`). */
  readonly env: Readonly<Record<string, string>>;
  readonly services: Readonly<Record<string, StackServiceConfig>>;
  readonly postgres?: StackDataConfig;
  readonly redis?: StackRedisConfig;
  readonly driftPolicy: DriftPolicy;
  /** Seconds until the operator destroys the stack (preview stacks). */
  readonly ttlSeconds?: number;
  /** Compose files merged over the project's own, for this stack only. */
  readonly compose?: StackComposeConfig;
  /**
   * Fields this stack lets others own (`ignoreChanges:`): kept at their live values by every pass. Plain
   * data (rule text and `file:line`), so a stored spec round-trips through JSON; compiled when resolved.
   */
  readonly ignoreChanges?: readonly IgnoreRuleSource[];
  /** Field path → where it was written, for line-numbered errors after parsing. */
  readonly locations: Readonly<Record<string, SourceLocation>>;
}

/**
 * The layer that set a resolved value, lowest first. `deployed` is the image a successful reconcile
 * recorded in the state table for a service no other layer gives one (a `build:` service deployed with
 * `--image`), so later commands need not repeat the flag.
 */
export const LAYERS = ['default', 'deployed', 'compose', 'mode', 'stack-file', 'cli'] as const;
/** A configuration layer. */
export type Layer = (typeof LAYERS)[number];

/** A value together with the layer (and place) that set it. */
export interface Provenanced<T> {
  readonly value: T;
  readonly layer: Layer;
  readonly location?: SourceLocation;
}

/** CLI overrides, the highest layer. */
export interface CliOverrides {
  /** `--image svc=ref`. */
  readonly images?: Readonly<Record<string, string>>;
  /** `--replicas svc=n`. */
  readonly replicas?: Readonly<Record<string, number>>;
  readonly region?: string;
}
