/**
 * `validate` refuses a stack AWS would refuse halfway through a reconcile (issue 10, item 6): an
 * oversized task definition, too many security-group rules. Exit 1, a message naming the service and the
 * AWS limit, no stack trace.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const STACK = 'region: eu-west-1\n';

/** `bytes` of `KEY_i: xxx…` lines in compose `environment:` map form (indented for a service). */
function inlineEnvironment(bytes: number): string {
  const value = 'x'.repeat(1000);
  const count = Math.ceil(bytes / value.length);
  return Array.from({ length: count }, (_, i) => `      VAR_${i}: "${value}"\n`).join('');
}

/** An env file of about `bytes`. */
function envFile(bytes: number): string {
  const value = 'x'.repeat(1000);
  return Array.from({ length: Math.ceil(bytes / value.length) }, (_, i) => `VAR_${i}=${value}\n`).join('');
}

const NETWORKS = ['front', 'back', 'jobs', 'admin'];
const PORTS = Array.from({ length: 20 }, (_, i) => 9000 + 2 * i);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-aws-limits-'));
  mkdirSync(join(dir, '.stackctl'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('validate checks AWS size limits', () => {
  it.each([
    {
      reason:
        'a 200 KiB inline environment (a compose file well under its 1 MiB cap, MAX_COMPOSE_FILE_BYTES)',
      files: {
        'compose.yaml': `services:\n  web:\n    image: nginx\n    environment:\n${inlineEnvironment(200 * 1024)}`,
      },
      message: /service "web": its task definition would be 2\d\d\.\d KiB .* AWS accepts at most 64\.0 KiB/,
    },
    {
      reason: 'a 200 KiB env_file (under the 256 KiB env file cap, MAX_ENV_FILE_BYTES)',
      files: {
        'compose.yaml': 'services:\n  api:\n    image: nginx\n    env_file: big.env\n',
        'big.env': envFile(200 * 1024),
      },
      message: /service "api": its task definition would be .* its environment holds 205 variable\(s\)/,
    },
    {
      reason: '20 exposed ports on 4 networks: 80 inbound rules for a group that takes 60',
      files: {
        'compose.yaml': [
          'services:',
          '  hub:',
          '    image: nginx',
          `    expose: [${PORTS.map((p) => `"${p}"`).join(', ')}]`,
          `    networks: [${NETWORKS.join(', ')}]`,
          '  client:',
          '    image: nginx',
          `    networks: [${NETWORKS.join(', ')}]`,
          'networks:',
          ...NETWORKS.map((n) => `  ${n}: {}`),
          '',
        ].join('\n'),
      },
      message:
        /service "hub": its security group needs 80 inbound rules, and AWS allows 60 per security group/,
    },
  ])('exit 1 with the limit, no trace: $reason', async ({ files, message }) => {
    for (const [name, text] of Object.entries({ ...files, '.stackctl/dev.yaml': STACK }))
      writeFileSync(join(dir, name), text);
    const r = await cli('validate', '-C', dir, '--stack', 'dev');
    expect(r.err).toMatch(message);
    expect(r.err).toContain(join(dir, 'compose.yaml'));
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
  });
});
