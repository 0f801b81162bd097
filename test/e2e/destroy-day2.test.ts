/**
 * End to end, against a real moto server: `destroy` on day 2. It works without the compose file (from
 * the stack file, or `-p` and `--region` alone) by the stack's ownership tags and the state table's
 * journal; it works for a `build:` service deployed with `--image` without repeating the image; and for
 * a `push`ed stack it pauses the operator spec first and removes it after a complete destroy (leaving
 * it paused after a partial one), saying so, so the operator does not recreate the stack.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAME, getSpec, type StackRef } from '../../src/state/index.js';
import { type E2eEnv, startE2e } from './helpers/harness.js';
import { inventoryKeys, stackInventory } from './helpers/inventory.js';
import { applyOf } from './helpers/plan-output.js';
import { affordableStack, removeWorkspaces, writeFixtureApp } from './helpers/workspace.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2e();
});
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
});

function specRef(project: string, stack: string): StackRef {
  return { client: env.clients.dynamodb, table: DEFAULT_TABLE_NAME, project, stack };
}

describe('destroy without the compose file', () => {
  it('finds the stack by its tags and journal, deletes all of it and leaves the other stack alone', async () => {
    await env.reset();
    const dir = await writeFixtureApp({
      name: 'fx',
      webServices: 1,
      workers: 1,
      stacks: { blue: affordableStack('10.1.0.0/16'), green: affordableStack('10.2.0.0/16') },
    });
    const fx = env.cliIn(dir);
    for (const stack of ['blue', 'green']) {
      const up = await fx('reconcile', '--once', '--stack', stack);
      expect(up.code, up.out + up.err).toBe(0);
    }
    const blueBefore = await stackInventory(env.clients, 'fx', 'blue');
    const greenBefore = await stackInventory(env.clients, 'fx', 'green');
    expect(inventoryKeys(blueBefore).length).toBeGreaterThan(15);
    await rm(join(dir, 'compose.yaml'));

    const asked = await fx('destroy', '--stack', 'blue');
    expect(asked.code, asked.out + asked.err).toBe(1);
    expect(asked.err).toContain('from its ownership tags and the state table');
    expect(asked.err).toContain('not confirmed');
    expect(await stackInventory(env.clients, 'fx', 'blue')).toEqual(blueBefore);

    const res = await fx('destroy', '--stack', 'blue', '--yes', '--output', 'json');

    expect(res.code, res.out + res.err).toBe(0);
    expect(applyOf(res).summary).toMatchObject({ applied: blueBefore.length, failed: 0, skipped: 0 });
    expect(await stackInventory(env.clients, 'fx', 'blue')).toEqual([]);
    expect(await stackInventory(env.clients, 'fx', 'green')).toEqual(greenBefore);
  });

  it.each([
    {
      reason: 'without -p the project is the one whose resources carry the stack tag',
      stack: 'dev',
      args: ['--region', 'eu-west-1'],
      code: 0,
      left: 'none',
    },
    {
      reason: 'with -p and --region the stack is found by its tags alone',
      stack: 'dev',
      args: ['-p', 'fx', '--region', 'eu-west-1'],
      code: 0,
      left: 'none',
    },
    {
      reason: 'no project has the stack: it says which flags to pass and deletes nothing',
      stack: 'other',
      args: ['--region', 'eu-west-1'],
      code: 1,
      left: 'all',
    },
  ])('with neither file: $reason', async ({ stack, args, code, left }) => {
    await env.reset();
    const dir = await writeFixtureApp({ name: 'fx', webServices: 1, workers: 0 });
    const fx = env.cliIn(dir);
    expect((await fx('reconcile', '--once', '--stack', 'dev')).code).toBe(0);
    const before = await stackInventory(env.clients, 'fx', 'dev');
    await rm(join(dir, 'compose.yaml'));
    await rm(join(dir, '.stackctl'), { recursive: true });

    const res = await fx('destroy', '--stack', stack, '--yes', ...args);

    expect(res.code, res.out + res.err).toBe(code);
    if (left === 'all') {
      expect(res.err).toContain('-p PROJECT');
      expect(await stackInventory(env.clients, 'fx', 'dev')).toEqual(before);
    } else {
      expect(await stackInventory(env.clients, 'fx', 'dev')).toEqual([]);
    }
  });
});

describe('destroy of a build: service deployed with --image', () => {
  it('needs no --image: the build: service renders with a stand-in image and the stack is destroyed whole', async () => {
    await env.reset();
    const dir = await writeFixtureApp({ name: 'bx', webServices: 1, workers: 0 });
    await writeFile(
      join(dir, 'compose.yaml'),
      'name: bx\nservices:\n  web:\n    build: .\n    ports:\n      - "8080:80"\n',
    );
    const bx = env.cliIn(dir);
    const up = await bx('reconcile', '--once', '--stack', 'dev', '--image', 'web=nginx:1.27-alpine');
    expect(up.code, up.out + up.err).toBe(0);
    expect((await stackInventory(env.clients, 'bx', 'dev')).length).toBeGreaterThan(10);

    const res = await bx('destroy', '--stack', 'dev', '--yes');

    expect(res.code, res.out + res.err).toBe(0);
    expect(res.err).not.toContain('has no image');
    expect(res.err).not.toContain('does not render');
    expect(await stackInventory(env.clients, 'bx', 'dev')).toEqual([]);
  });
});

const NOTES_APP = `name: notes
services:
  api:
    image: nginxdemos/hello:0.4-plain-text
    ports: ["80:80"]
  db:
    image: postgres:16-alpine
    x-stackctl-postgres: true
`;

describe('destroy of a pushed stack', () => {
  it('pauses the operator spec first and removes it after a complete destroy, saying so', async () => {
    await env.reset();
    const dir = await writeFixtureApp({ name: 'px', webServices: 1, workers: 0 });
    const px = env.cliIn(dir);
    expect((await px('push', '--stack', 'dev')).code).toBe(0);
    expect((await px('reconcile', '--once', '--stack', 'dev')).code).toBe(0);
    expect(await getSpec(specRef('px', 'dev'))).toMatchObject({ paused: false, generation: 1 });

    const res = await px('destroy', '--stack', 'dev', '--yes');

    expect(res.code, res.out + res.err).toBe(0);
    expect(res.err).toContain('Paused the operator spec of px/dev (generation 2)');
    expect(res.out).toContain('Removed the operator spec of px/dev');
    expect(await getSpec(specRef('px', 'dev'))).toBeUndefined();
    expect(await stackInventory(env.clients, 'px', 'dev')).toEqual([]);
  });

  it('leaves the spec paused when data stores are kept, and says how to go on', async () => {
    await env.reset();
    const dir = await writeFixtureApp({ name: 'notes', webServices: 0, workers: 0 });
    await writeFile(join(dir, 'compose.yaml'), NOTES_APP);
    const notes = env.cliIn(dir);
    expect((await notes('push', '--stack', 'dev')).code).toBe(0);
    const up = await notes('reconcile', '--once', '--stack', 'dev');
    expect(up.code, up.out + up.err).toBe(0);

    const res = await notes('destroy', '--stack', 'dev', '--yes', '--output', 'json');

    expect(res.code, res.out + res.err).toBe(2);
    const out = JSON.parse(res.out) as { operatorSpec: unknown };
    expect(out.operatorSpec).toEqual({ action: 'paused', generation: 2 });
    expect(await getSpec(specRef('notes', 'dev'))).toMatchObject({ paused: true, generation: 2 });
    const text = await notes('destroy', '--stack', 'dev', '--yes');
    expect(text.out).toContain('operator spec of notes/dev stays paused');
    expect(text.out).toContain('stacks rm dev');
  });
});
