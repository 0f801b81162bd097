/**
 * Applies interpolation to every string value of a parsed file (keys are left alone, as compose does),
 * before anything else reads the values.
 *
 * @module
 */
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { interpolate, type VariableLookup } from './interpolate.js';
import { fieldPath, indexPath, type RawNode, type RawScalar } from './raw-node.js';

/**
 * Returns `node` with every string scalar interpolated. Unset variables without a default become `''`
 * with one warning per variable; `${VAR:?msg}` and malformed templates are errors at the value's line.
 */
export function interpolateTree(
  node: RawNode,
  lookup: VariableLookup,
  diag: Diagnostics,
  path = '',
): RawNode {
  switch (node.kind) {
    case 'scalar': {
      if (typeof node.value !== 'string') return node;
      const result = interpolate(node.value, lookup);
      if (!result.ok) {
        diag.error(COMPOSE_PROBLEM.interpolation, result.error, node.loc, path);
        return node;
      }
      for (const name of result.missing) {
        diag.warnOnce(
          `unset:${name}`,
          COMPOSE_WARNING.unsetVariable,
          `variable ${name} is not set; it is replaced by an empty string`,
          node.loc,
          path,
        );
      }
      return result.value === node.value ? node : { ...withoutText(node), value: result.value };
    }
    case 'seq':
      return {
        ...node,
        items: node.items.map((item, i) => interpolateTree(item, lookup, diag, indexPath(path, i))),
      };
    case 'map':
      return {
        ...node,
        entries: node.entries.map((e) => ({
          ...e,
          value: interpolateTree(e.value, lookup, diag, fieldPath(path, e.key)),
        })),
      };
  }
}

/** A scalar without its source text, which no longer describes an interpolated value (the tag stays). */
function withoutText(node: RawScalar): RawScalar {
  const { text: _text, ...rest } = node;
  return rest;
}
