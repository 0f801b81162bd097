import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyOperation } from '../../../src/aws/index.js';
import {
  OPERATOR_POLICY_NAME,
  operatorPolicy,
  renderOperatorStack,
} from '../../../src/cli/commands/operator-install.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** SDK package → IAM service prefix. */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  acm: 'acm',
  'application-auto-scaling': 'application-autoscaling',
  'cloudwatch-logs': 'logs',
  dynamodb: 'dynamodb',
  ec2: 'ec2',
  ecs: 'ecs',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  elasticache: 'elasticache',
  iam: 'iam',
  rds: 'rds',
  'resource-groups-tagging-api': 'tag',
  'route-53': 'route53',
  servicediscovery: 'servicediscovery',
  ssm: 'ssm',
  sts: 'sts',
};

/**
 * Calls the operator never makes with its task role: the table is created and its TTL enabled by
 * `operator install` (installer credentials); TransactWriteItems is authorized per item
 * (ConditionCheckItem, UpdateItem, PutItem, DeleteItem).
 */
const NOT_THE_OPERATORS = new Set([
  'dynamodb:CreateTable',
  'dynamodb:UpdateTimeToLive',
  'dynamodb:TransactWriteItems',
]);

/** Every `client.send(new XCommand)` and `paginateX` the library code imports, as IAM actions. */
function actionsUsed(): Set<string> {
  const actions = new Set<string>();
  for (const layer of ['observed', 'reconcilers', 'state']) {
    for (const file of readdirSync(join(SRC, layer)).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(SRC, layer, file), 'utf8');
      for (const m of text.matchAll(
        /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client|lib)-([a-z0-9-]+)'/g,
      )) {
        const pkg = m[2] === 'lib' ? 'dynamodb' : (m[3] ?? '');
        for (const raw of (m[1] ?? '').split(',')) {
          const name = raw.replace(/^\s*type\s+/, '').trim();
          const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
          if (!op || name.startsWith('type ')) continue;
          // lib-dynamodb's document commands map onto the item APIs.
          const api =
            {
              Get: 'GetItem',
              Put: 'PutItem',
              Update: 'UpdateItem',
              Delete: 'DeleteItem',
              TransactWrite: 'TransactWriteItems',
            }[op] ?? op;
          actions.add(`${IAM_PREFIX[pkg]}:${api}`);
        }
      }
    }
  }
  return actions;
}

describe('operator install', () => {
  const { desired } = renderOperatorStack({
    region: 'eu-west-1',
    table: 'prod-state',
    images: { operator: 'registry.example.com/stackctl:1.2.3' },
  });

  it('renders the operator service from deploy/compose.yaml with the table settings and image', () => {
    expect(desired.project).toBe('stackctl');
    expect(desired.stack).toBe('operator');
    const taskdef = desired.resources.find((r) => r.kind === 'ecs.TaskDefinition');
    const text = JSON.stringify(taskdef?.spec);
    expect(text).toContain('registry.example.com/stackctl:1.2.3');
    expect(text).toContain('"STACKCTL_TABLE"');
    expect(text).toContain('prod-state');
    expect(text).toContain('/healthz');
    expect(desired.resources.some((r) => r.kind === 'elbv2.LoadBalancer')).toBe(false);
  });

  it('attaches the least-privilege policy, filled in for the table, to the task role only', () => {
    const task = desired.resources.find((r) => r.logicalId === 'role/task');
    const inline = task?.spec.inlinePolicies as Record<string, string>;
    const policy = JSON.parse(inline[OPERATOR_POLICY_NAME] ?? '{}');
    const table = policy.Statement.find((s: { Sid: string }) => s.Sid === 'StateTable');
    expect(table.Resource).toEqual([
      'arn:aws:dynamodb:eu-west-1:*:table/prod-state',
      'arn:aws:dynamodb:eu-west-1:*:table/prod-state/index/*',
    ]);
    expect(inline[OPERATOR_POLICY_NAME]).not.toContain('${');
    const execution = desired.resources.find((r) => r.logicalId === 'role/execution');
    expect(Object.keys(execution?.spec.inlinePolicies as object)).not.toContain(OPERATOR_POLICY_NAME);
    // IAM's inline policy size limit for a role (whitespace excluded).
    expect(inline[OPERATOR_POLICY_NAME]?.length).toBeLessThan(10_240);
  });

  it('allows every AWS call the observers, appliers and state store make', () => {
    const policy = JSON.parse(operatorPolicy('eu-west-1', 't')) as {
      Statement: { Action: string | string[] }[];
    };
    const allowed = new Set(
      policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    );
    const used = [...actionsUsed()].filter((a) => !NOT_THE_OPERATORS.has(a));
    expect(used.length).toBeGreaterThan(60);
    expect(used.filter((a) => !allowed.has(a)).sort()).toEqual([]);
  });

  it('gates every create on the ownership tag and every other mutation on the resource carrying it', () => {
    const policy = JSON.parse(operatorPolicy('eu-west-1', 't')) as {
      Statement: {
        Sid: string;
        Action: string | string[];
        Condition?: Record<string, Record<string, unknown>>;
      }[];
    };
    const byCondition = (key: string) =>
      policy.Statement.filter((s) => JSON.stringify(s.Condition ?? {}).includes(key)).flatMap((s) =>
        Array.isArray(s.Action) ? s.Action : [s.Action],
      );
    const creates = byCondition('aws:RequestTag/stackctl:managed-by');
    const changes = byCondition('aws:ResourceTag/stackctl:managed-by');
    for (const action of actionsUsed()) {
      const [prefix, op = ''] = action.split(':');
      if (
        classifyOperation(op) === 'read' ||
        ['dynamodb', 'logs', 'ssm', 'route53', 'application-autoscaling'].includes(prefix ?? '')
      )
        continue;
      if (
        ['ecs:DeregisterTaskDefinition', 'ecs:DeleteTaskDefinitions', 'iam:CreateServiceLinkedRole'].includes(
          action,
        )
      )
        continue;
      // Cloud Map instances take no tags: registering one is a change of the (tagged) service.
      const isCreate =
        /^(Create|Register|Request|Allocate|Run)/.test(op) &&
        !/^(CreateTags|CreateRoute)$/.test(op) &&
        action !== 'servicediscovery:RegisterInstance';
      expect(isCreate ? creates : changes, `${action} is not tag-gated`).toContain(action);
    }
  });
});
