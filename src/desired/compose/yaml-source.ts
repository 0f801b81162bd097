/**
 * Reads a YAML file into the located tree ({@link RawNode}), with aliases expanded and `<<` merge keys
 * applied, reporting syntax errors as `file:line:col`.
 *
 * We walk the `yaml` package's AST ourselves rather than calling `toJS()` because `toJS()` drops
 * positions, and every later error must point at a line.
 *
 * @module
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import { ContentCache, contentKey } from '../content-cache.js';
import {
  type BoundedRead,
  MAX_COMPOSE_FILE_BYTES,
  readBoundedTextFile,
  tooLargeMessage,
  yamlAliasProblem,
} from '../input-limits.js';
import { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import type { MergeTag, NodeLocation, RawEntry, RawMap, RawNode } from './raw-node.js';

/** Where a file was asked for, so "file not found" can point at the line that named it. */
export interface FileReference {
  readonly location: NodeLocation;
  readonly field: string;
}

/**
 * Reads and parses `file`; `undefined` (with the problem recorded) when it is missing or not valid YAML.
 */
export function readYamlFile(
  file: string,
  diag: Diagnostics,
  referencedFrom?: FileReference,
): RawNode | undefined {
  let read: BoundedRead;
  try {
    read = readBoundedTextFile(file, MAX_COMPOSE_FILE_BYTES);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    diag.error(
      COMPOSE_PROBLEM.fileNotFound,
      `compose file ${file} ${reason}`,
      referencedFrom?.location ?? { file },
      referencedFrom?.field,
    );
    return undefined;
  }
  if (read.kind === 'too-large') {
    diag.error(
      COMPOSE_PROBLEM.inputLimit,
      tooLargeMessage('compose file', file, read),
      referencedFrom?.location ?? { file },
      referencedFrom?.field,
    );
    return undefined;
  }
  return parseYaml(read.text, file, diag);
}

/** Parsed trees by file and text, with the warnings their parse recorded. */
const parsedTrees = new ContentCache<{ readonly tree: RawNode; readonly found: Diagnostics }>();

/**
 * Parses YAML text that came from `file` (used in messages and locations).
 *
 * The tree depends on nothing but `file` and `text`, so a text parsed before (a fleet loads one compose
 * file for every stack) is served from a cache keyed by both, its warnings reported again. A text with
 * errors is never cached: it is parsed again and reported afresh each time.
 */
export function parseYaml(text: string, file: string, diag: Diagnostics): RawNode | undefined {
  const key = contentKey([file, text]);
  const cached = parsedTrees.get(key);
  if (cached !== undefined) {
    diag.absorb(cached.found);
    return cached.tree;
  }
  const found = new Diagnostics();
  const tree = parseYamlText(text, file, found);
  diag.absorb(found);
  if (tree !== undefined && found.errors.length === 0) parsedTrees.set(key, { tree, found });
  return tree;
}

/** Drops every cached parse (tests, and a long-lived process that wants its memory back). */
export function clearParsedYamlCache(): void {
  parsedTrees.clear();
}

function parseYamlText(text: string, file: string, diag: Diagnostics): RawNode | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, merge: true, uniqueKeys: true });
  for (const e of doc.errors) {
    diag.error(COMPOSE_PROBLEM.yamlSyntax, firstLine(e.message), linePos(file, e.linePos?.[0]));
  }
  for (const w of doc.warnings) {
    if (MERGE_TAG_WARNING.test(w.message)) continue;
    diag.warn(COMPOSE_WARNING.ignoredField, firstLine(w.message), linePos(file, w.linePos?.[0]));
  }
  if (doc.errors.length > 0) return undefined;
  // Before anything follows an alias: a billion-laughs document is refused here, not expanded later.
  const aliasProblem = yamlAliasProblem(doc);
  if (aliasProblem !== undefined) {
    diag.error(COMPOSE_PROBLEM.inputLimit, aliasProblem, { file });
    return undefined;
  }
  const converter = new Converter(file, doc, lineCounter, diag);
  const root = doc.contents;
  if (root === null) return { kind: 'map', entries: [], loc: { file, line: 1, column: 1 } };
  return converter.convert(root);
}

/** `yaml` warns about tags it does not know; compose's merge tags are read by {@link mergeTagOf}. */
const MERGE_TAG_WARNING = /^Unresolved tag: !(reset|override)\b/;

/** Compose's `!reset` / `!override` on a node, if it has one. */
function mergeTagOf(node: Node): MergeTag | undefined {
  if (node.tag === '!reset') return 'reset';
  if (node.tag === '!override') return 'override';
  return undefined;
}

/** The `yaml` messages end in ` at line N, column M:` and a code frame; we print the location ourselves. */
function firstLine(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
}

function linePos(file: string, pos: { line: number; col: number } | undefined): NodeLocation {
  return { file, line: pos?.line ?? 1, column: pos?.col ?? 1 };
}

/** Converts `yaml` nodes to {@link RawNode}s, memoized per node so aliases cost nothing extra. */
class Converter {
  readonly #memo = new Map<Node, RawNode>();
  readonly #inProgress = new Set<Node>();
  /** Each alias's target, found in one walk: `Alias.resolve` walks the whole document per call. */
  readonly #aliasTargets = new Map<Alias, Node | undefined>();

  constructor(
    private readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly diag: Diagnostics,
  ) {
    // Same rule as `Alias.resolve`: the last node with that anchor before the alias, in document order.
    const anchored = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) this.#aliasTargets.set(node, anchored.get(node.source));
        else if (node.anchor) anchored.set(node.anchor, node);
      },
    });
  }

  private target(alias: Alias): Node | undefined {
    return this.#aliasTargets.has(alias)
      ? this.#aliasTargets.get(alias)
      : (alias.resolve(this.doc) as Node | undefined);
  }

  convert(node: unknown, fallback?: NodeLocation): RawNode {
    const loc = this.locOf(node) ?? fallback ?? { file: this.file, line: 1, column: 1 };
    if (isAlias(node)) {
      const target = this.target(node);
      if (target === undefined) {
        this.diag.error(COMPOSE_PROBLEM.yamlSyntax, `unknown alias *${node.source}`, loc);
        return { kind: 'scalar', value: null, loc };
      }
      return this.convert(target, loc);
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return { kind: 'scalar', value: null, loc };
    const known = this.#memo.get(node);
    if (known) return known;
    if (this.#inProgress.has(node)) {
      this.diag.error(COMPOSE_PROBLEM.yamlSyntax, 'an alias refers to a node that contains it', loc);
      return { kind: 'scalar', value: null, loc };
    }
    this.#inProgress.add(node);
    const result = this.convertNode(node, loc);
    this.#inProgress.delete(node);
    this.#memo.set(node, result);
    return result;
  }

  private convertNode(node: Node, loc: NodeLocation): RawNode {
    const tag = mergeTagOf(node);
    const converted = this.convertUntagged(node, loc);
    return tag === undefined ? converted : { ...converted, tag };
  }

  private convertUntagged(node: Node, loc: NodeLocation): RawNode {
    if (isSeq(node)) return { kind: 'seq', items: node.items.map((i) => this.convert(i, loc)), loc };
    if (isMap(node)) return this.convertMap(node.items, loc);
    const scalar = node as { value: unknown; source?: string; type?: string };
    const value = scalar.value;
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      typeof value === 'number'
    ) {
      const text = typeof value !== 'string' && scalar.type === 'PLAIN' ? scalar.source : undefined;
      return { kind: 'scalar', value, loc, ...(text === undefined ? {} : { text }) };
    }
    if (typeof value === 'bigint') return { kind: 'scalar', value: Number(value), loc, text: String(value) };
    return { kind: 'scalar', value: String(value), loc };
  }

  private convertMap(pairs: readonly { key: unknown; value: unknown }[], loc: NodeLocation): RawMap {
    const explicit = new Set<string>();
    for (const p of pairs) {
      if (!isMergeKey(p.key)) explicit.add(this.keyText(p.key, loc));
    }
    const entries: RawEntry[] = [];
    const present = new Set<string>();
    for (const p of pairs) {
      if (isMergeKey(p.key)) {
        for (const e of this.mergeSources(p.value, loc)) {
          if (explicit.has(e.key) || present.has(e.key)) continue;
          present.add(e.key);
          entries.push(e);
        }
        continue;
      }
      const keyLoc = this.locOf(p.key) ?? loc;
      const key = this.keyText(p.key, keyLoc);
      present.add(key);
      entries.push({ key, keyLoc, value: this.convert(p.value, keyLoc) });
    }
    return { kind: 'map', entries, loc };
  }

  /** Entries a `<<` brings in: one map, or a list of maps where earlier ones win. */
  private mergeSources(value: unknown, loc: NodeLocation): readonly RawEntry[] {
    const source = this.convert(value, loc);
    const maps = source.kind === 'seq' ? source.items : [source];
    const out: RawEntry[] = [];
    for (const m of maps) {
      if (m.kind !== 'map') {
        this.diag.error(COMPOSE_PROBLEM.yamlSyntax, 'a << merge key must refer to a mapping', m.loc);
        continue;
      }
      out.push(...m.entries);
    }
    return out;
  }

  private keyText(key: unknown, loc: NodeLocation): string {
    const resolved = isAlias(key) ? this.target(key) : key;
    if (isScalar(resolved)) return String(resolved.value ?? '');
    this.diag.error(COMPOSE_PROBLEM.yamlSyntax, 'mapping keys must be plain values', loc);
    return '';
  }

  private locOf(node: unknown): NodeLocation | undefined {
    const range = (node as { range?: readonly number[] } | null)?.range;
    if (!range || range[0] === undefined) return undefined;
    const pos = this.lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}
