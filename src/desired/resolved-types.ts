/**
 * The resolved stack: compose + mode preset + stack file + CLI flags folded into one value per setting,
 * each remembering its layer. This is the only input of the renderer besides the compose model itself.
 *
 * @module
 */
import type { IgnoreRule } from '../diff/drift/ignore-rules.js';
import type { Warning } from '../errors.js';
import type { ComposedEnvValue, ComposeModel, ComposeService } from './compose-types.js';
import type { DriftPolicy, Mode, NetworkConfig, PortExposureOverride, Provenanced } from './stack-types.js';

/** One column of the mode table (COMPOSE-MAPPING.md "Modes"). Data, not code. */
export interface ModePreset {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  /** Tasks in public subnets with a public IP (no NAT), or private subnets behind NAT. */
  readonly taskSubnets: 'public' | 'private';
  /** 0 (no NAT), 1 (one shared) or one per AZ (= `azCount`). */
  readonly natGateways: number;
  readonly azCount: number;
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  readonly circuitBreaker: boolean;
  readonly logRetentionDays: number;
  readonly postgres: {
    readonly instanceClass: string;
    readonly allocatedStorageGiB: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
  };
  readonly redis: {
    readonly nodeType: string;
    readonly nodes: number;
    readonly automaticFailover: boolean;
  };
  readonly finalSnapshotOnDelete: boolean;
  readonly deregistrationDelaySeconds: number;
  readonly warnWhenReplicasBelow: number;
}

/** One service with every setting resolved. */
export interface ResolvedService {
  readonly name: string;
  /** The normalized compose service, for fields no layer overrides (ports, healthcheck, command…). */
  readonly compose: ComposeService;
  /** Absent only when compose has `build` and nothing supplies an image: the renderer reports it. */
  readonly image?: Provenanced<string>;
  readonly replicas: Provenanced<number>;
  /** Fargate CPU units (256, 512, 1024, …), already a valid Fargate pair with `memoryMiB`. */
  readonly cpu: Provenanced<number>;
  readonly memoryMiB: Provenanced<number>;
  /** Literal environment after stack-file overrides. Never holds secrets. */
  readonly environment: Readonly<Record<string, Provenanced<string>>>;
  /** Keys injected from SSM (env keys without value, compose `secrets:`), sorted. */
  readonly secretKeys: readonly string[];
  /**
   * Keys whose compose value interpolates a secret: composed at deploy time into a derived SSM parameter
   * (a stack-file literal of the same key replaces it). Templates only, never values.
   */
  readonly composedEnvironment?: Readonly<Record<string, ComposedEnvValue>>;
  /** Absent when compose has none, the stack has no `domain`, or the stack file says `domainname: false`. */
  readonly domainname?: Provenanced<string>;
  /** Stack-file `ports` overrides by published port (`"8080"`); each names a published port of compose. */
  readonly portOverrides?: Readonly<Record<string, Provenanced<PortExposureOverride>>>;
  readonly autoscaling?: Provenanced<{
    readonly min: number;
    readonly max: number;
    readonly targetCpu: number;
  }>;
}

/** Postgres settings after mode and stack-file layers. */
export interface ResolvedPostgres {
  readonly instanceClass: Provenanced<string>;
  readonly allocatedStorageGiB: Provenanced<number>;
  readonly multiAz: Provenanced<boolean>;
  readonly backupRetentionDays: Provenanced<number>;
  readonly deletionProtection: Provenanced<boolean>;
}

/** Redis settings after mode and stack-file layers. */
export interface ResolvedRedis {
  readonly nodeType: Provenanced<string>;
  readonly nodes: Provenanced<number>;
  readonly automaticFailover: Provenanced<boolean>;
}

/** Everything the renderer needs. */
export interface ResolvedStack {
  readonly project: Provenanced<string>;
  readonly stack: string;
  readonly region: Provenanced<string>;
  readonly mode: Provenanced<Mode>;
  readonly domain?: Provenanced<string>;
  readonly network: Provenanced<NetworkConfig>;
  readonly preset: ModePreset;
  readonly logRetentionDays: Provenanced<number>;
  readonly driftPolicy: Provenanced<DriftPolicy>;
  readonly ttlSeconds?: Provenanced<number>;
  /** In compose file order. */
  readonly services: Readonly<Record<string, ResolvedService>>;
  readonly postgres: ResolvedPostgres;
  readonly redis: ResolvedRedis;
  readonly compose: ComposeModel;
  /** The stack file's `ignoreChanges:` rules, as written (none when absent). */
  readonly ignoreChanges?: readonly IgnoreRule[];
  readonly warnings: readonly Warning[];
}
