import { describe, expect, it } from 'vitest';
import { loadStackProject } from '../../../src/desired/load-project.js';
import { readStoredSpec, renderStoredSpec, toStoredSpec } from '../../../src/operator/stored-spec.js';
import type { JsonObject, StackSpecRecord } from '../../../src/state/index.js';

const SHOP = new URL('../../../examples/shop/', import.meta.url).pathname;

function record(spec: JsonObject, stack = 'dev', project = 'shop'): StackSpecRecord {
  return { project, stack, spec, generation: 1, paused: false, updatedAt: '2026-01-01T00:00:00Z' };
}

describe('stored specs', () => {
  it('render exactly what the checkout renders, with no secret value in them', () => {
    const local = loadStackProject({ cwd: SHOP, stack: 'dev', env: { API_TOKEN: 'shell-secret-value' } });
    const spec = toStoredSpec({
      compose: local.compose,
      stackFile: local.stackFile,
      pushedAt: '2026-01-01T00:00:00Z',
    });
    expect(JSON.stringify(spec)).not.toContain('shell-secret-value');
    // A shell-supplied secret is set back to an SSM secret: the operator renders what a checkout
    // without that shell variable renders.
    const withoutShell = loadStackProject({ cwd: SHOP, stack: 'dev', env: {} });
    expect(renderStoredSpec(record(spec)).desired).toEqual(withoutShell.desired);
    expect(renderStoredSpec(record(spec)).desired.requiredSecrets).toContain('API_TOKEN');
  });

  it.each([
    { reason: 'not an object', spec: { schemaVersion: 1 }, message: 'compose model' },
    { reason: 'a newer schema', spec: { schemaVersion: 2 }, message: 'schemaVersion 2' },
    { reason: 'no stack file', spec: { schemaVersion: 1, compose: { services: {} } }, message: 'stack file' },
  ])('refuses a spec with $reason', ({ spec, message }) => {
    expect(() => readStoredSpec(record(spec as JsonObject))).toThrow(
      expect.objectContaining({ code: 'STORED_SPEC_INVALID', message: expect.stringContaining(message) }),
    );
  });

  it('refuses a spec stored under another stack’s key', () => {
    const local = loadStackProject({ cwd: SHOP, stack: 'dev', env: {} });
    const spec = toStoredSpec({ compose: local.compose, stackFile: local.stackFile, pushedAt: 'x' });
    expect(() => renderStoredSpec(record(spec, 'prod'))).toThrow(/renders shop\/dev/);
  });
});
