/**
 * `healthcheck:` in every compose spelling, folded into the exec form ECS wants:
 * a string test becomes `['CMD-SHELL', test]`, `['NONE']` and `disable: true` become `{ disable: true }`,
 * and durations become seconds.
 *
 * @module
 */
import type { ComposeHealthcheck } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { type RawMap, type RawNode, scalarText, valueAt } from './raw-node.js';
import { parseDurationSeconds } from './units.js';
import { checkKnownKeys, readBoolean, readInteger, readMap, readStringList } from './values.js';

const KEYS = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable']);
const MAX_RETRIES = 1000;

/** Normalizes the healthcheck at `path`; `undefined` when it says nothing ECS can run. */
export function normalizeHealthcheck(
  node: RawNode,
  path: string,
  diag: Diagnostics,
): ComposeHealthcheck | undefined {
  const map = readMap(node, path, diag);
  if (map === undefined) return undefined;
  checkKnownKeys(map, KEYS, path, diag);
  const disableNode = valueAt(map, 'disable');
  if (disableNode !== undefined && readBoolean(disableNode, `${path}.disable`, diag) === true)
    return { disable: true };
  const testNode = valueAt(map, 'test');
  const test = testNode === undefined ? undefined : normalizeTest(testNode, `${path}.test`, diag);
  if (test === 'none') return { disable: true };
  // Read every field before giving up on a bad test, so all problems are reported at once.
  const interval = duration(map, 'interval', path, diag);
  const timeout = duration(map, 'timeout', path, diag);
  const startPeriod = duration(map, 'start_period', path, diag);
  const retriesNode = valueAt(map, 'retries');
  const retries =
    retriesNode === undefined
      ? undefined
      : readInteger(retriesNode, `${path}.retries`, diag, { min: 0, max: MAX_RETRIES });
  const startInterval = valueAt(map, 'start_interval');
  if (startInterval !== undefined) {
    diag.warn(
      COMPOSE_WARNING.ignoredField,
      'start_interval is not supported by ECS; ignored',
      startInterval.loc,
      `${path}.start_interval`,
    );
  }
  if (test === undefined) {
    if (testNode === undefined) {
      diag.warn(
        COMPOSE_WARNING.ignoredField,
        'healthcheck has no test, and ECS cannot see the image HEALTHCHECK: the healthcheck is ignored',
        map.loc,
        path,
      );
    }
    return undefined;
  }
  return {
    disable: false,
    test,
    ...(interval === undefined ? {} : { interval }),
    ...(timeout === undefined ? {} : { timeout }),
    ...(retries === undefined ? {} : { retries }),
    ...(startPeriod === undefined ? {} : { startPeriod }),
  };
}

function normalizeTest(
  node: RawNode,
  path: string,
  diag: Diagnostics,
): readonly string[] | 'none' | undefined {
  if (node.kind === 'scalar') {
    const text = scalarText(node);
    if (text === undefined || text.trim() === '') {
      diag.error(COMPOSE_PROBLEM.invalidValue, 'test must not be empty', node.loc, path);
      return undefined;
    }
    return ['CMD-SHELL', text];
  }
  const list = readStringList(node, path, diag);
  if (list === undefined) return undefined;
  const [kind, ...args] = list;
  if (kind === 'NONE') return 'none';
  if ((kind === 'CMD' || kind === 'CMD-SHELL') && args.length > 0) {
    return kind === 'CMD-SHELL' ? ['CMD-SHELL', args.join(' ')] : ['CMD', ...args];
  }
  diag.error(
    COMPOSE_PROBLEM.invalidValue,
    'test must be a string, or a list starting with CMD, CMD-SHELL or NONE followed by the command',
    node.loc,
    path,
  );
  return undefined;
}

function duration(map: RawMap, key: string, path: string, diag: Diagnostics): number | undefined {
  const node = valueAt(map, key);
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
  return readDuration(node, `${path}.${key}`, diag);
}

/** A duration field (`1m30s`, `500ms`, a number of seconds) in seconds, or an error at the node. */
export function readDuration(node: RawNode, path: string, diag: Diagnostics): number | undefined {
  const value =
    node.kind === 'scalar' && node.value !== null && typeof node.value !== 'boolean' ? node.value : undefined;
  const seconds = value === undefined ? undefined : parseDurationSeconds(value);
  if (seconds === undefined) {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      'must be a duration such as 30s, 1m30s or 500ms',
      node.loc,
      path,
    );
  }
  return seconds;
}
