/**
 * `extends` for services: `extends: svc`, `extends: { service }` and `extends: { file, service }`
 * (relative to the file that says it), recursively, with compose's merge rules and cycle detection.
 *
 * @module
 */
import { basename, dirname, resolve } from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM } from './errors.js';
import { mergeService } from './merge.js';
import { entryAt, type RawMap, type RawNode, valueAt } from './raw-node.js';
import { checkKnownKeys, readString } from './values.js';
import type { FileReference } from './yaml-source.js';

/** What resolving `extends` needs from the loader. @internal */
export interface ExtendsContext {
  readonly diag: Diagnostics;
  /** The interpolated `services:` of another compose file; `undefined` (already reported) if unusable. */
  readonly loadServices: (file: string, reference: FileReference) => RawMap | undefined;
}

const EXTENDS_KEYS = new Set(['service', 'file']);

/** Returns `services` (of `file`) with every `extends` resolved and removed. */
export function resolveExtends(services: RawMap, file: string, ctx: ExtendsContext): RawMap {
  const memo = new Map<string, RawMap>();
  return {
    ...services,
    entries: services.entries.map((e) => {
      const resolved =
        e.value.kind === 'map' ? resolveService(e.key, services, file, [], memo, ctx) : undefined;
      return resolved ? { ...e, value: resolved } : e;
    }),
  };
}

function resolveService(
  name: string,
  services: RawMap,
  file: string,
  chain: readonly string[],
  memo: Map<string, RawMap>,
  ctx: ExtendsContext,
): RawMap | undefined {
  const key = `${file}#${name}`;
  const known = memo.get(key);
  if (known) return known;
  const node = valueAt(services, name);
  if (node?.kind !== 'map') return undefined;
  const done = (result: RawMap): RawMap => {
    memo.set(key, result);
    return result;
  };
  const ext = entryAt(node, 'extends');
  if (ext === undefined) return done(node);
  const withoutExtends: RawMap = { ...node, entries: node.entries.filter((e) => e.key !== 'extends') };
  const path = `services.${name}.extends`;
  const target = readTarget(ext.value, path, ctx.diag);
  if (target === undefined) return done(withoutExtends);
  let baseServices = services;
  let baseFile = file;
  if (target.file !== undefined) {
    baseFile = resolve(dirname(target.file.node.loc.file), target.file.name);
    const loaded = ctx.loadServices(baseFile, { location: target.file.node.loc, field: `${path}.file` });
    if (loaded === undefined) return done(withoutExtends);
    baseServices = loaded;
  }
  const baseKey = `${baseFile}#${target.service}`;
  if (baseKey === key || chain.includes(baseKey)) {
    const cycle = [...chain, key, baseKey].map(describeKey).join(' → ');
    ctx.diag.error(COMPOSE_PROBLEM.extends, `extends forms a cycle: ${cycle}`, ext.keyLoc, path);
    return done(withoutExtends);
  }
  const baseNode = valueAt(baseServices, target.service);
  if (baseNode?.kind !== 'map') {
    const problem = baseNode === undefined ? 'is not defined' : 'is not a mapping';
    ctx.diag.error(
      COMPOSE_PROBLEM.extends,
      `extends service "${target.service}", which ${problem} in ${basename(baseFile)}`,
      ext.value.loc,
      path,
    );
    return done(withoutExtends);
  }
  const base = resolveService(target.service, baseServices, baseFile, [...chain, key], memo, ctx);
  return done(base ? mergeService(base, node) : withoutExtends);
}

interface ExtendsTarget {
  readonly service: string;
  readonly file?: { readonly name: string; readonly node: RawNode };
}

function readTarget(node: RawNode, path: string, diag: Diagnostics): ExtendsTarget | undefined {
  if (node.kind === 'scalar') {
    const service = readString(node, path, diag);
    return service === undefined ? undefined : { service };
  }
  if (node.kind !== 'map') {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      'extends must be a service name or { service, file }',
      node.loc,
      path,
    );
    return undefined;
  }
  checkKnownKeys(node, EXTENDS_KEYS, path, diag);
  const serviceNode = valueAt(node, 'service');
  const service = serviceNode === undefined ? undefined : readString(serviceNode, `${path}.service`, diag);
  if (service === undefined) {
    diag.error(COMPOSE_PROBLEM.extends, 'extends needs a service', node.loc, path);
    return undefined;
  }
  const fileNode = valueAt(node, 'file');
  const fileName = fileNode === undefined ? undefined : readString(fileNode, `${path}.file`, diag);
  return fileNode === undefined || fileName === undefined
    ? { service }
    : { service, file: { name: fileName, node: fileNode } };
}

function describeKey(key: string): string {
  const at = key.lastIndexOf('#');
  return `${key.slice(at + 1)} (${basename(key.slice(0, at))})`;
}
