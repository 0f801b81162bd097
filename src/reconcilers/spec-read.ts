/**
 * Typed reads of a resolved spec: appliers turn `Spec` JSON into SDK inputs, and a value of the wrong
 * type (a renderer bug, a ref left unresolved) must fail loudly with the field named, never reach AWS as
 * `undefined` or `[object Object]`.
 *
 * @module
 */
import type { Spec, SpecValue } from '../desired/resource-types.js';
import { StackctlError } from '../errors.js';

/** A spec field is missing or has the wrong type. */
export class SpecShapeError extends StackctlError {
  constructor(key: string, expected: string, got: SpecValue | undefined) {
    const shown = got === undefined ? 'nothing' : typeof got === 'object' ? JSON.stringify(got) : String(got);
    super('SPEC_INVALID', `spec.${key} must be ${expected}, got ${shown.slice(0, 120)}`, { field: key });
    this.name = 'SpecShapeError';
  }
}

function isObject(v: SpecValue | undefined): v is Spec {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !('$ref' in v);
}

/** A required string. */
export function str(spec: Spec, key: string): string {
  const v = spec[key];
  if (typeof v !== 'string') throw new SpecShapeError(key, 'a string', v);
  return v;
}

/**
 * A required scalar as a string: environment values resolved from refs can be numbers (a database port),
 * and ECS wants every value as a string.
 */
export function scalarStr(spec: Spec, key: string): string {
  const v = spec[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new SpecShapeError(key, 'a string', v);
}

/** An optional string. */
export function optStr(spec: Spec, key: string): string | undefined {
  return spec[key] === undefined ? undefined : str(spec, key);
}

/** A required number (a numeric string is accepted: AWS echoes some numbers as strings). */
export function num(spec: Spec, key: string): number {
  const v = spec[key];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new SpecShapeError(key, 'a number', v);
  return n;
}

/** An optional number. */
export function optNum(spec: Spec, key: string): number | undefined {
  return spec[key] === undefined ? undefined : num(spec, key);
}

/** An optional boolean. */
export function optBool(spec: Spec, key: string): boolean | undefined {
  const v = spec[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new SpecShapeError(key, 'a boolean', v);
  return v;
}

/** A list of strings; a missing key is `[]`. */
export function strList(spec: Spec, key: string): string[] {
  const v = spec[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x: SpecValue) => typeof x === 'string')) {
    throw new SpecShapeError(key, 'a list of strings', v);
  }
  return [...(v as readonly string[])];
}

/** An optional list of strings. */
export function optStrList(spec: Spec, key: string): string[] | undefined {
  return spec[key] === undefined ? undefined : strList(spec, key);
}

/** A required object. */
export function obj(spec: Spec, key: string): Spec {
  const v = spec[key];
  if (!isObject(v)) throw new SpecShapeError(key, 'an object', v);
  return v;
}

/** An optional object. */
export function optObj(spec: Spec, key: string): Spec | undefined {
  return spec[key] === undefined ? undefined : obj(spec, key);
}

/** A list of objects; a missing key is `[]`. */
export function objList(spec: Spec, key: string): Spec[] {
  const v = spec[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x: SpecValue) => isObject(x))) {
    throw new SpecShapeError(key, 'a list of objects', v);
  }
  return [...(v as readonly Spec[])];
}

/** An object whose values are all strings (log driver options). */
export function strRecord(spec: Spec, key: string): Record<string, string> {
  const o = obj(spec, key);
  const out: Record<string, string> = {};
  for (const k of Object.keys(o)) out[k] = str(o, k);
  return out;
}
