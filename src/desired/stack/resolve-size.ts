/**
 * A service's CPU and memory through the layers, rounded up to a valid Fargate size.
 *
 * @module
 * @internal
 */
import type { ComposeModel, ComposeService } from '../compose-types.js';
import type { Provenanced, StackFile } from '../stack-types.js';
import { STACK_ERROR_CODES, type StackProblem } from './errors.js';
import { type FargateSize, fargateSize } from './fargate-sizes.js';
import { composeLocation, fromStackFile, layeredWithDefault, provenanced } from './provenance.js';

/** vCPU when compose has neither reservations nor limits. */
export const DEFAULT_CPUS = 0.25;
/** MiB when compose has neither reservations nor limits. */
export const DEFAULT_MEMORY_MIB = 512;

/** CPU units and memory, each with the layer of the request that set it (the value is after rounding). @internal */
export interface ResolvedSize {
  readonly cpu: Provenanced<number>;
  readonly memoryMiB: Provenanced<number>;
}

function fitsSomeSize(memMiB: number): boolean {
  try {
    fargateSize(DEFAULT_CPUS, memMiB);
    return true;
  } catch {
    return false;
  }
}

/**
 * Default → compose reservations (else limits) → stack file, then {@link fargateSize}. An impossible
 * size is reported as a problem blamed on the request that caused it, and the default size stands in.
 * @internal
 */
export function resolveSize(
  compose: ComposeModel,
  stackFile: StackFile,
  service: ComposeService,
  problems: StackProblem[],
): ResolvedSize {
  const p = `services.${service.name}`;
  const overrides = stackFile.services[service.name];
  // Reservations win over limits: they are what the task needs, limits only what it may burst to.
  const fromCompose = (
    field: 'cpus' | 'memory',
    reserved: number | undefined,
    limit: number | undefined,
  ) => ({
    value: reserved ?? limit,
    layer: 'compose' as const,
    location: composeLocation(
      compose,
      `${p}.deploy.resources.${reserved !== undefined ? 'reservations' : 'limits'}.${field}`,
    ),
  });
  const cpus = layeredWithDefault(
    { value: DEFAULT_CPUS, layer: 'default' },
    fromCompose('cpus', service.reservations?.cpus, service.limits?.cpus),
    fromStackFile(stackFile, `${p}.cpus`, overrides?.cpus),
  );
  const memory = layeredWithDefault(
    { value: DEFAULT_MEMORY_MIB, layer: 'default' },
    fromCompose('memory', service.reservations?.memoryMiB, service.limits?.memoryMiB),
    fromStackFile(stackFile, `${p}.memory`, overrides?.memoryMiB),
  );
  let size: FargateSize;
  try {
    size = fargateSize(cpus.value, memory.value);
  } catch (error) {
    // Blame memory when no size holds that much memory at all, else the cpu request.
    const blame = fitsSomeSize(memory.value) ? cpus : memory;
    const field =
      blame.layer === 'stack-file' ? `${p}.${blame === memory ? 'memory' : 'cpus'}` : `${p}.deploy.resources`;
    problems.push({
      code: STACK_ERROR_CODES.fargateSizeUnavailable,
      message: (error as Error).message,
      field,
      location: blame.location ?? { file: stackFile.file },
    });
    size = fargateSize(DEFAULT_CPUS, DEFAULT_MEMORY_MIB);
  }
  return {
    cpu: provenanced(size.cpu, cpus.layer, cpus.location),
    memoryMiB: provenanced(size.memoryMiB, memory.layer, memory.location),
  };
}
