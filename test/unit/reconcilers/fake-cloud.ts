/**
 * An in-memory "cloud" and fake appliers for engine tests (allowed: these are our own interfaces).
 *
 * The cloud enforces what makes ordering matter in AWS: a create may not carry an unresolved ref, and
 * a resource another resource still references cannot be deleted (DependencyViolation).
 *
 * @module
 */
import type { ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { isRef, TAG_KEYS } from '../../../src/desired/resource-types.js';
import type { ObservedResource } from '../../../src/observed/types.js';
import type { Applier, ApplyResult } from '../../../src/reconcilers/types.js';

interface CloudResource {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly physicalId: string;
  spec: Spec;
  tags: Record<string, string>;
  outputs: Record<string, string>;
  revision: number;
}

/** An AWS-like error: classified by its name. */
export function awsError(name: string, message = name): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

function containsRef(v: unknown): boolean {
  if (isRef(v)) return true;
  if (Array.isArray(v)) return v.some(containsRef);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(containsRef);
  return false;
}

function mentions(v: unknown, values: ReadonlySet<string>): boolean {
  if (typeof v === 'string') return values.has(v);
  if (Array.isArray(v)) return v.some((x) => mentions(x, values));
  if (typeof v === 'object' && v !== null) return Object.values(v).some((x) => mentions(x, values));
  return false;
}

/** The fake cloud plus a log of every call and in-flight accounting. */
export class FakeCloud {
  readonly resources = new Map<string, CloudResource>();
  /** `create service/web`, `delete tg/web-80`, … in call order (start of the call). */
  readonly log: string[] = [];
  /** Calls whose work finished, in order. */
  readonly finished: string[] = [];
  /** Errors to throw, by `op logicalId`, consumed one per call. */
  readonly failures = new Map<string, Error[]>();
  inFlight = 0;
  maxInFlight = 0;

  private async call<T>(op: string, logicalId: string, work: () => T): Promise<T> {
    const key = `${op} ${logicalId}`;
    this.log.push(key);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      const queued = this.failures.get(key);
      const failure = queued?.shift();
      if (failure !== undefined) throw failure;
      const result = work();
      this.finished.push(key);
      return result;
    } finally {
      this.inFlight -= 1;
    }
  }

  byLogicalId(logicalId: string): CloudResource[] {
    return [...this.resources.values()].filter((r) => r.tags[TAG_KEYS.logicalId] === logicalId);
  }

  /** What an observer would return: every resource, in the desired shape. */
  observe(): ObservedResource[] {
    return [...this.resources.values()].map((r) => ({
      kind: r.kind,
      logicalId: r.tags[TAG_KEYS.logicalId] ?? r.name,
      name: r.name,
      physicalId: r.physicalId,
      spec: r.spec,
      tags: r.tags,
      outputs: r.outputs,
      health: 'Healthy',
    }));
  }

  /** A fake applier of one kind. `tokens` collects the client tokens creates were given. */
  applier(kind: ResourceKind, tokens: string[] = []): Applier {
    return {
      kind,
      create: (desired, ctx) =>
        this.call('create', desired.logicalId, (): ApplyResult => {
          if (containsRef(desired.spec)) throw new Error(`unresolved ref in ${desired.logicalId}`);
          tokens.push(ctx.clientToken);
          const physicalId = `${kind}/${desired.name}`;
          const outputs = { id: physicalId, arn: `arn:${physicalId}`, name: desired.name };
          this.resources.set(physicalId, {
            kind,
            name: desired.name,
            physicalId,
            spec: desired.spec,
            tags: { ...desired.tags },
            outputs,
            revision: 1,
          });
          return { physicalId, outputs };
        }),
      update: (desired, observed, deltas) =>
        this.call('update', desired.logicalId, (): ApplyResult => {
          const r = this.resources.get(observed.physicalId);
          if (r === undefined) throw awsError('ResourceNotFoundException');
          if (deltas.length === 0 || containsRef(deltas.map((d) => d.desired))) throw new Error('bad deltas');
          r.spec = desired.spec;
          r.tags = { ...desired.tags };
          // Like RegisterTaskDefinition: an update is a new revision with a new ARN.
          if (kind === 'ecs.TaskDefinition') {
            r.revision += 1;
            r.outputs = { ...r.outputs, arn: `arn:${r.physicalId}:${r.revision}` };
          }
          return { physicalId: r.physicalId, outputs: r.outputs };
        }),
      delete: (observed) =>
        this.call('delete', observed.logicalId, () => {
          const r = this.resources.get(observed.physicalId);
          if (r === undefined) return;
          const ids = new Set(Object.values(r.outputs));
          const user = [...this.resources.values()].find((o) => o !== r && mentions(o.spec, ids));
          if (user !== undefined)
            throw awsError('DependencyViolation', `${r.physicalId} is used by ${user.physicalId}`);
          this.resources.delete(observed.physicalId);
        }),
    };
  }

  /** Appliers for the given kinds. */
  appliers(kinds: readonly ResourceKind[], tokens: string[] = []): Map<ResourceKind, Applier> {
    return new Map(kinds.map((k) => [k, this.applier(k, tokens)]));
  }
}
