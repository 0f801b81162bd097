/**
 * The two task roles. The execution role lets ECS pull images, write logs and read the stack's SSM
 * parameters (secrets); the task role is what the app itself runs as and gets nothing by default.
 *
 * Policy documents are canonical JSON strings so that the observed documents (normalized the same way)
 * compare equal byte for byte.
 *
 * @module
 */
import type { DesiredResource } from '../resource-types.js';
import { stableJson } from './canonical.js';
import { resource } from './context.js';
import type { StackModel } from './model.js';
import { NAME_LIMITS, physicalName } from './naming.js';

/** Name of the inline policy granting the stack's SSM parameters. */
export const SSM_POLICY_NAME = 'stackctl-parameters';
/** Name of the inline policy for pulling images and writing the stack's logs. */
export const EXECUTION_POLICY_NAME = 'stackctl-execution';

const POLICY_VERSION = '2012-10-17';

/** The trust policy letting ECS tasks assume a role. */
export function ecsTasksTrustPolicy(): string {
  return stableJson({
    Version: POLICY_VERSION,
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
}

/** Read access to `/stackctl/<project>/<stack>/*` in the stack's region, any account (render stays pure). */
export function parametersPolicy(model: StackModel): string {
  return stableJson({
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: `arn:aws:ssm:${model.region}:*:parameter/stackctl/${model.project}/${model.stack}/*`,
      },
    ],
  });
}

/**
 * What AWS's managed AmazonECSTaskExecutionRolePolicy grants, written inline and scoped to this stack's
 * log groups: least privilege, and no dependency on a managed policy existing in the account (moto and
 * some partitions do not have it).
 */
export function executionPolicy(model: StackModel): string {
  return stableJson({
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:GetAuthorizationToken',
          'ecr:GetDownloadUrlForLayer',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:aws:logs:${model.region}:*:log-group:/stackctl/${model.project}/${model.stack}/*`,
      },
    ],
  });
}

/** `role/execution` and `role/task`. */
export function renderRoles(model: StackModel): DesiredResource[] {
  const role = (logicalId: string, short: string, managed: string[], inline: Record<string, string>) => {
    const name = physicalName(
      { project: model.project, stack: model.stack, name: short, kind: 'role' },
      NAME_LIMITS['iam.Role'],
    );
    return resource(model, {
      kind: 'iam.Role',
      logicalId,
      name,
      spec: {
        roleName: name,
        assumeRolePolicyDocument: ecsTasksTrustPolicy(),
        managedPolicyArns: [...managed].sort(),
        inlinePolicies: inline,
      },
      dependsOn: [],
    });
  };
  return [
    role('role/execution', 'exec', [], {
      [EXECUTION_POLICY_NAME]: executionPolicy(model),
      [SSM_POLICY_NAME]: parametersPolicy(model),
    }),
    role('role/task', 'task', [], {}),
  ];
}
