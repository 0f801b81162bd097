/**
 * Typed, position-aware reads over a parsed YAML document.
 *
 * The stack-file schema is checked by hand on the YAML AST (not on plain JS values) so every problem can
 * name its line and column. Readers never throw: they record a problem and return `undefined`, so one
 * pass reports everything wrong with a file.
 *
 * @module
 * @internal
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  visit,
} from 'yaml';
import type { SourceLocation } from '../../errors.js';
import { STACK_ERROR_CODES, type StackProblem } from './errors.js';

/** State shared by all reads of one file. @internal */
export interface ReadContext {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly problems: StackProblem[];
  /** Field path → where its value was written. */
  readonly locations: Record<string, SourceLocation>;
}

/** A node, or `null` for an absent / empty value. @internal */
export type YamlNode = Node | null;

/** `parent.child`, or `child` at the root. @internal */
export function joinPath(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}

/** File, line and column of a character offset. @internal */
export function locateOffset(ctx: ReadContext, offset: number): SourceLocation {
  const { line, col } = ctx.lineCounter.linePos(offset);
  return { file: ctx.file, line, column: col };
}

/** File, line and column where `node` starts (line 1, column 1 when there is no node). @internal */
export function locate(ctx: ReadContext, node: YamlNode | undefined): SourceLocation {
  return locateOffset(ctx, node?.range?.[0] ?? 0);
}

/** Records a problem at `node`. Messages must never include a value from the file. @internal */
export function report(
  ctx: ReadContext,
  node: YamlNode | undefined,
  field: string,
  message: string,
  code: string = STACK_ERROR_CODES.fileInvalid,
): void {
  ctx.problems.push({ code, message, location: locate(ctx, node), field });
}

/**
 * True for a key written with nothing after it (`env:` with every entry commented out). Collections
 * treat that as empty, so commenting out the last entry never turns a valid file invalid.
 * @internal
 */
export function isEmptyValue(node: YamlNode): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/**
 * Each alias's target per document, found in one walk: `Alias.resolve` walks the whole document on every
 * call, which a file of many aliases would turn quadratic. Same rule: the last node with that anchor
 * before the alias, in document order.
 */
const aliasTargets = new WeakMap<Document.Parsed, Map<Alias, Node | undefined>>();

function aliasTargetsOf(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const known = aliasTargets.get(doc);
  if (known) return known;
  const targets = new Map<Alias, Node | undefined>();
  const anchored = new Map<string, Node>();
  visit(doc, {
    Node: (_key, n) => {
      if (isAlias(n)) targets.set(n, anchored.get(n.source));
      else if (n.anchor) anchored.set(n.anchor, n);
    },
  });
  aliasTargets.set(doc, targets);
  return targets;
}

/** Follows an alias (`*anchor`) to the node it names. @internal */
export function deref(ctx: ReadContext, node: YamlNode | undefined): YamlNode {
  if (node === undefined || node === null) return null;
  if (isAlias(node)) return aliasTargetsOf(ctx.doc).get(node) ?? null;
  return node;
}

/** A short type name for "got …" messages; says what the value is without showing it. @internal */
export function describeNode(node: YamlNode): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null) return 'nothing';
    return `a ${typeof node.value}`;
  }
  return 'an unsupported value';
}

/**
 * Entries of a map node, keyed by string key, with each value's location recorded under `path.key`.
 * Unknown keys (when `allowed` is given) and non-string keys are reported. `undefined` when not a map.
 * @internal
 */
export function readMap(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
  allowed?: readonly string[],
): Map<string, YamlNode> | undefined {
  const target = deref(ctx, node);
  if (!isMap(target)) {
    report(ctx, target ?? node, path, `must be a map, got ${describeNode(target)}`);
    return undefined;
  }
  const out = new Map<string, YamlNode>();
  for (const pair of target.items) {
    const keyNode = deref(ctx, pair.key as YamlNode);
    if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
      report(ctx, keyNode, path, 'keys must be plain names');
      continue;
    }
    const key = String(keyNode.value);
    const field = joinPath(path, key);
    if (allowed && !allowed.includes(key)) {
      report(ctx, keyNode, field, `unknown key "${key}" (allowed: ${allowed.join(', ')})`);
      continue;
    }
    const value = deref(ctx, pair.value as YamlNode);
    out.set(key, value);
    // Scalars are located at the value (what `--explain` points at); maps, lists and empty values at
    // their key, which is where an editor should jump for "this service/block is wrong".
    const scalarValue = isScalar(value) && value.value !== null && value.range;
    ctx.locations[field] = locate(ctx, scalarValue ? value : keyNode);
  }
  return out;
}

/** A string value. Empty strings are refused unless `allowEmpty`. @internal */
export function readString(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
  options: { readonly allowEmpty?: boolean } = {},
): string | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') {
    report(ctx, node, path, `must be a string, got ${describeNode(node)}`);
    return undefined;
  }
  if (node.value === '' && options.allowEmpty !== true) {
    report(ctx, node, path, 'must not be empty');
    return undefined;
  }
  return node.value;
}

/**
 * A scalar written as text, number or boolean, as its source text (`1.0` stays `1.0`). Environment
 * values accept all three, like compose does.
 * @internal
 */
export function readScalarText(ctx: ReadContext, node: YamlNode, path: string): string | undefined {
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  if (isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'boolean')) {
    return node.source ?? String(node.value);
  }
  report(ctx, node, path, `must be a string, number or boolean, got ${describeNode(node)}`);
  return undefined;
}

/** Bounds for {@link readNumber}. @internal */
export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number;
  /** When set, the value must be strictly greater than this. */
  readonly greaterThan?: number;
  readonly max?: number;
}

/** A number within `rule`. @internal */
export function readNumber(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
  rule: NumberRule = {},
): number | undefined {
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
    report(ctx, node, path, `must be a number, got ${describeNode(node)}`);
    return undefined;
  }
  const n = node.value;
  const fail = (message: string): undefined => {
    report(ctx, node, path, message);
    return undefined;
  };
  if (rule.integer && !Number.isInteger(n)) return fail('must be a whole number');
  if (rule.greaterThan !== undefined && !(n > rule.greaterThan))
    return fail(`must be greater than ${rule.greaterThan}`);
  if (rule.min !== undefined && n < rule.min) return fail(`must be at least ${rule.min}`);
  if (rule.max !== undefined && n > rule.max) return fail(`must be at most ${rule.max}`);
  return n;
}

/** A boolean (`true` / `false`). @internal */
export function readBoolean(ctx: ReadContext, node: YamlNode, path: string): boolean | undefined {
  if (!isScalar(node) || typeof node.value !== 'boolean') {
    report(ctx, node, path, `must be true or false, got ${describeNode(node)}`);
    return undefined;
  }
  return node.value;
}

/** A string matching `pattern`; `what` describes the expected form in the error. @internal */
export function readPattern(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
  test: RegExp | ((value: string) => boolean),
  what: string,
): string | undefined {
  const value = readString(ctx, node, path);
  if (value === undefined) return undefined;
  const ok = typeof test === 'function' ? test(value) : test.test(value);
  if (!ok) {
    report(ctx, node, path, `must be ${what}`);
    return undefined;
  }
  return value;
}

/** A non-empty list of strings each passing `test`; locations recorded as `path[i]`. @internal */
export function readStringList(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
  test: RegExp,
  what: string,
): string[] | undefined {
  const target = deref(ctx, node);
  if (!isSeq(target)) {
    report(ctx, target ?? node, path, `must be a list, got ${describeNode(target)}`);
    return undefined;
  }
  if (target.items.length === 0) {
    report(ctx, target, path, 'must list at least one entry');
    return undefined;
  }
  const out: string[] = [];
  target.items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const itemNode = deref(ctx, item as YamlNode);
    ctx.locations[itemPath] = locate(ctx, itemNode);
    const value = readPattern(ctx, itemNode, itemPath, test, what);
    if (value === undefined) return;
    if (out.includes(value)) report(ctx, itemNode, itemPath, 'is listed twice');
    else out.push(value);
  });
  return out.length === target.items.length ? out : undefined;
}

/** The value under `key` when `node` is a map holding it; reports nothing. @internal */
export function peekKey(ctx: ReadContext, node: YamlNode, key: string): YamlNode | undefined {
  const target = deref(ctx, node);
  if (!isMap(target)) return undefined;
  const pair = target.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair ? deref(ctx, pair.value as YamlNode) : undefined;
}
