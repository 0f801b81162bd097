/**
 * AWS size limits at render time (issue 10, item 6): every limit in aws-limits.ts, just over (refused,
 * naming the service and the limit) and at or under it (renders).
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_DNS_NAME,
  MAX_LISTENERS_PER_ALB,
  MAX_SECURITY_GROUP_INBOUND_RULES,
  MAX_TASK_DEFINITION_BYTES,
  taskDefinitionBytes,
  taskDefinitionRequest,
} from '../../../../src/desired/render/aws-limits.js';
import { RenderError, renderStack } from '../../../../src/desired/render/index.js';
import type { ResolvedStack } from '../../../../src/desired/resolved-types.js';
import { composeService, ingressPort, resolvedStack } from '../../../helpers/resolved-fixture.js';

/** `count` variables of `size` bytes each. */
function bigEnvironment(count: number, size: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`VAR_${i}`, 'x'.repeat(size)]));
}

/** `count` consecutive ports from 9000. */
function portList(count: number, from = 9000): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** A caller on `networks`: without a second member a network gets no group and its callee no rules. */
function peer(networks: readonly string[] = ['default']) {
  return composeService('client', { networks: [...networks] });
}

/** The stack on networks `names` (the fixture declares only `default`). */
function onNetworks(resolved: ResolvedStack, names: readonly string[]): ResolvedStack {
  return { ...resolved, compose: { ...resolved.compose, networks: [...names] } };
}

/** The problems renderStack reports, or [] when it renders. */
function problemsOf(resolved: ResolvedStack): { field: string; message: string }[] {
  try {
    renderStack(resolved);
    return [];
  } catch (e) {
    if (!(e instanceof RenderError)) throw e;
    return e.problems.map((p) => ({ field: p.field, message: p.message }));
  }
}

const NETWORKS = ['front', 'back', 'jobs', 'admin'];

describe('AWS size limits at render', () => {
  it.each([
    {
      reason: 'an environment of 80 KiB makes a task definition over 64 KiB',
      resolved: resolvedStack({
        services: [composeService('api', { environment: bigEnvironment(80, 1024) })],
      }),
      expected: [
        {
          field: 'services.api.environment',
          message: expect.stringMatching(
            /service "api": its task definition would be 8\d\.\d KiB .* at most 64\.0 KiB \(65536 bytes\); its environment holds 80 variable\(s\), 8\d\.\d KiB/,
          ),
        },
      ],
    },
    {
      reason: 'an environment of 40 KiB fits',
      resolved: resolvedStack({
        services: [composeService('api', { environment: bigEnvironment(40, 1024) })],
      }),
      expected: [],
    },
    {
      reason: `${MAX_SECURITY_GROUP_INBOUND_RULES + 1} exposed ports on one network need one rule too many`,
      resolved: resolvedStack({
        services: [
          composeService('cache', { expose: portList(MAX_SECURITY_GROUP_INBOUND_RULES + 1) }),
          peer(),
        ],
      }),
      expected: [
        {
          field: 'services.cache.expose',
          message: expect.stringMatching(
            /service "cache": its security group needs 61 inbound rules, and AWS allows 60 per security group/,
          ),
        },
      ],
    },
    {
      reason: `${MAX_SECURITY_GROUP_INBOUND_RULES} exposed ports on one network fit exactly`,
      resolved: resolvedStack({
        services: [composeService('cache', { expose: portList(MAX_SECURITY_GROUP_INBOUND_RULES) }), peer()],
      }),
      expected: [],
    },
    {
      reason: 'a wide port list on 4 networks: each network adds one rule per port (16 × 4 = 64)',
      resolved: onNetworks(
        resolvedStack({
          services: [composeService('hub', { expose: portList(16), networks: NETWORKS }), peer(NETWORKS)],
        }),
        NETWORKS,
      ),
      expected: [
        {
          field: 'services.hub.expose',
          message: expect.stringMatching(/service "hub": its security group needs 64 inbound rules/),
        },
      ],
    },
    {
      reason: 'the same 15 ports on 4 networks fit (60 rules)',
      resolved: onNetworks(
        resolvedStack({
          services: [composeService('hub', { expose: portList(15), networks: NETWORKS }), peer(NETWORKS)],
        }),
        NETWORKS,
      ),
      expected: [],
    },
    {
      reason: `${MAX_LISTENERS_PER_ALB + 1} published ports need more listeners than an ALB has`,
      resolved: resolvedStack({
        services: [
          composeService('web', {
            ports: portList(MAX_LISTENERS_PER_ALB + 1, 8000).map((p) => ingressPort(p)),
          }),
        ],
      }),
      expected: expect.arrayContaining([
        {
          field: 'services',
          message: expect.stringMatching(
            /the stack's load balancer needs 51 listeners \(one per published port\), and AWS allows 50 per Application Load Balancer/,
          ),
        },
      ]),
    },
    {
      reason: `a project name that makes the Cloud Map namespace longer than a DNS name (${MAX_DNS_NAME})`,
      resolved: resolvedStack({
        project: 'p'.repeat(245),
        services: [composeService('web'), composeService('client')],
      }),
      expected: [
        {
          field: 'services',
          message: expect.stringMatching(
            /Cloud Map namespace "dev\.p+\.internal" is 258 characters, and a DNS name has at most 253/,
          ),
        },
      ],
    },
    {
      reason:
        'a namespace that fits, but a service name under it that does not (web. + 249 = 253 fits, client. + 249 does not)',
      resolved: resolvedStack({
        project: 'p'.repeat(236),
        services: [composeService('web'), composeService('client')],
      }),
      expected: [
        {
          field: 'services',
          message: expect.stringMatching(/DNS name "client\.dev\.p+\.internal" is 256 characters/),
        },
      ],
    },
    {
      reason: 'the longest names that fit',
      resolved: resolvedStack({
        project: 'p'.repeat(233),
        services: [composeService('web'), composeService('client')],
      }),
      expected: [],
    },
  ])('$reason', ({ resolved, expected }) => {
    expect(problemsOf(resolved)).toEqual(expected);
  });

  it('sizes a task definition as the JSON AWS receives: tags included, refs as full role ARNs', () => {
    const desired = renderStack(resolvedStack({ services: [composeService('api')] }));
    const taskdef = desired.resources.find((r) => r.logicalId === 'taskdef/api');
    if (taskdef === undefined) throw new Error('no task definition rendered');
    const bytes = taskDefinitionBytes(taskdef);
    const specOnly = Buffer.byteLength(JSON.stringify(taskdef.spec));
    const tags = Buffer.byteLength(JSON.stringify(taskdef.tags));
    expect(bytes).toBeGreaterThan(specOnly + tags);
    expect(bytes).toBeLessThan(MAX_TASK_DEFINITION_BYTES / 10);
  });

  it('counts exactly the bytes of the request it describes (refs replaced by their sized value)', () => {
    const desired = renderStack(resolvedStack({ services: [composeService('api'), composeService('web')] }));
    const taskdefs = desired.resources.filter((r) => r.kind === 'ecs.TaskDefinition');
    expect(taskdefs.length).toBeGreaterThan(0);
    for (const taskdef of taskdefs) {
      const request = Buffer.byteLength(JSON.stringify(taskDefinitionRequest(taskdef)), 'utf8');
      expect(taskDefinitionBytes(taskdef)).toBe(request);
    }
  });
});
