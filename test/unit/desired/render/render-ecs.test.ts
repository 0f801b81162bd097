import { describe, expect, it } from 'vitest';
import type { ComposeDependency } from '../../../../src/desired/compose-types.js';
import { renderStack } from '../../../../src/desired/render/index.js';
import { composeService, hostPort, ingressPort, resolvedStack } from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const container = (desired: ReturnType<typeof renderStack>, svc: string) =>
  (get(desired, `taskdef/${svc}`).spec.containerDefinitions as Record<string, unknown>[])[0];

const dep = (condition: ComposeDependency['condition']): ComposeDependency => ({ condition, required: true });

describe('task definitions', () => {
  it('maps every compose field ECS has', () => {
    const desired = renderStack(
      resolvedStack({
        project: 'shop',
        stack: 'dev',
        services: [
          composeService('api', {
            image: 'ghcr.io/acme/api:1.2',
            command: ['serve', '--port', '8080'],
            entrypoint: ['/bin/tini', '--'],
            environment: { ZED: 'last', ALPHA: 'first', TOKEN: null },
            secrets: ['stripe_key'],
            ports: [ingressPort(8080), hostPort(5353, 'udp')],
            expose: [9000, 8080],
            healthcheck: {
              disable: false,
              test: ['CMD', 'true'],
              interval: 2,
              timeout: 1.5,
              retries: 50,
              startPeriod: 10,
            },
            user: '1000:1000',
            workingDir: '/app',
            readOnly: true,
            stopGracePeriodSeconds: 300,
          }),
        ],
        overrides: { api: { cpu: 512, memoryMiB: 1024 } },
      }),
    );
    expectInvariants(desired);
    const spec = get(desired, 'taskdef/api').spec;
    expect(spec).toMatchObject({
      family: 'shop-dev-api',
      cpu: '512',
      memory: '1024',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: { $ref: 'role/execution', attr: 'arn' },
      taskRoleArn: { $ref: 'role/task', attr: 'arn' },
    });
    expect(container(desired, 'api')).toEqual({
      name: 'api',
      image: 'ghcr.io/acme/api:1.2',
      essential: true,
      memory: 1024,
      command: ['serve', '--port', '8080'],
      entryPoint: ['/bin/tini', '--'],
      environment: [
        { name: 'ALPHA', value: 'first' },
        { name: 'ZED', value: 'last' },
      ],
      secrets: [
        { name: 'TOKEN', valueFrom: '/stackctl/shop/dev/TOKEN' },
        { name: 'stripe_key', valueFrom: '/stackctl/shop/dev/stripe_key' },
      ],
      portMappings: [
        { containerPort: 5353, protocol: 'udp' },
        { containerPort: 8080, protocol: 'tcp' },
        { containerPort: 9000, protocol: 'tcp' },
      ],
      healthCheck: { command: ['CMD', 'true'], interval: 5, timeout: 2, retries: 10, startPeriod: 10 },
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/stackctl/shop/dev/api',
          'awslogs-region': 'eu-west-1',
          'awslogs-stream-prefix': 'api',
        },
      },
      user: '1000:1000',
      workingDirectory: '/app',
      readonlyRootFilesystem: true,
      stopTimeout: 120,
    });
    expect(desired.requiredSecrets).toEqual(['TOKEN', 'stripe_key']);
    expect(get(desired, 'taskdef/api').dependsOn).toEqual(['log/api', 'role/execution', 'role/task']);
  });

  it.each([
    { reason: 'no health check', healthcheck: undefined, expected: undefined },
    { reason: 'a disabled health check', healthcheck: { disable: true } as const, expected: undefined },
    {
      reason: 'compose defaults, timeout capped at the interval',
      healthcheck: { disable: false, test: ['CMD-SHELL', 'pg_isready'], interval: 10 } as const,
      expected: {
        command: ['CMD-SHELL', 'pg_isready'],
        interval: 10,
        timeout: 10,
        retries: 3,
        startPeriod: 0,
      },
    },
    {
      reason: 'a bare test string wrapped in CMD-SHELL',
      healthcheck: { disable: false, test: ['curl', '-f', 'http://x/'] } as const,
      expected: {
        command: ['CMD-SHELL', 'curl -f http://x/'],
        interval: 30,
        timeout: 30,
        retries: 3,
        startPeriod: 0,
      },
    },
  ])('health check: $reason', ({ healthcheck, expected }) => {
    const svc = composeService('app', healthcheck === undefined ? {} : { healthcheck });
    const c = container(renderStack(resolvedStack({ services: [svc] })), 'app');
    expect(c?.healthCheck).toEqual(expected);
  });

  it('leaves out what compose does not set', () => {
    const c = container(renderStack(resolvedStack({ services: [composeService('app')] })), 'app');
    expect(Object.keys(c ?? {}).sort()).toEqual([
      'environment',
      'essential',
      'image',
      'logConfiguration',
      'memory',
      'name',
      'portMappings',
      'secrets',
    ]);
  });
});

describe('ECS services', () => {
  it('renders the cluster and roles once, with the SSM policy scoped to the stack', () => {
    const desired = renderStack(
      resolvedStack({ project: 'shop', stack: 'dev', services: [composeService('app')] }),
    );
    expect(get(desired, 'cluster').spec).toEqual({
      clusterName: 'shop-dev',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    });
    const exec = get(desired, 'role/execution').spec;
    expect(exec.managedPolicyArns).toEqual([]);
    expect(JSON.parse(exec.assumeRolePolicyDocument as string)).toEqual({
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' } },
      ],
      Version: '2012-10-17',
    });
    const inline = exec.inlinePolicies as Record<string, string>;
    expect(JSON.parse(inline['stackctl-parameters'] as string).Statement).toEqual([
      {
        Action: ['ssm:GetParameters'],
        Effect: 'Allow',
        Resource: 'arn:aws:ssm:eu-west-1:*:parameter/stackctl/shop/dev/*',
      },
    ]);
    expect(JSON.parse(inline['stackctl-execution'] as string).Statement[1]).toEqual({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Effect: 'Allow',
      Resource: 'arn:aws:logs:eu-west-1:*:log-group:/stackctl/shop/dev/*',
    });
    expect(get(desired, 'role/task').spec).toMatchObject({ managedPolicyArns: [], inlinePolicies: {} });
    expect(get(desired, 'role/execution').name).toMatch(/^shop-dev-exec-[0-9a-f]{6}$/);
  });

  it('turns an awaited restart:"no" service into a one-off task that dependents wait for', () => {
    const desired = renderStack(
      resolvedStack({
        services: [
          composeService('migrate', { restart: 'no' }),
          composeService('api', {
            ports: [ingressPort(8080)],
            dependsOn: { migrate: dep('service_completed_successfully'), cache: dep('service_healthy') },
          }),
          composeService('cache', { image: 'memcached:1' }),
          composeService('cron', { restart: 'no' }),
        ],
      }),
    );
    expectInvariants(desired);
    expect(idsOf(desired, 'ecs.OneOffTask')).toEqual(['task/migrate']);
    expect(idsOf(desired, 'ecs.Service')).toEqual(['service/api', 'service/cache', 'service/cron']);
    expect(get(desired, 'task/migrate').spec).toEqual({
      cluster: { $ref: 'cluster', attr: 'arn' },
      taskDefinition: { $ref: 'taskdef/migrate', attr: 'arn' },
      // on-demand even in affordable mode: a Spot reclaim must not cut a migration short
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      networkConfiguration: {
        assignPublicIp: 'ENABLED',
        securityGroups: [
          { $ref: 'sg/net/default', attr: 'id' },
          { $ref: 'sg/svc/migrate', attr: 'id' },
        ],
        subnets: [
          { $ref: 'subnet/public-a', attr: 'id' },
          { $ref: 'subnet/public-b', attr: 'id' },
        ],
      },
    });
    expect(get(desired, 'service/api').dependsOn).toEqual(
      expect.arrayContaining(['task/migrate', 'service/cache']),
    );
  });

  it.each([
    { reason: 'replicas become desiredCount', replicas: 3, autoscaling: undefined, desiredCount: 3 },
    { reason: '0 replicas is a valid hot spare', replicas: 0, autoscaling: undefined, desiredCount: 0 },
    {
      reason: 'autoscaling owns the count',
      replicas: 2,
      autoscaling: { min: 2, max: 6, targetCpu: 60 },
      desiredCount: undefined,
    },
  ])('$reason', ({ replicas, autoscaling, desiredCount }) => {
    const desired = renderStack(
      resolvedStack({
        services: [composeService('app', { ports: [ingressPort(80)] })],
        overrides: { app: { replicas, ...(autoscaling === undefined ? {} : { autoscaling }) } },
      }),
    );
    expectInvariants(desired);
    expect(get(desired, 'service/app').spec.desiredCount).toBe(desiredCount);
    expect(idsOf(desired, 'autoscaling.ScalableTarget')).toEqual(
      autoscaling === undefined ? [] : ['scaling/app'],
    );
    if (autoscaling !== undefined) {
      expect(get(desired, 'scaling/app').spec).toEqual({
        resourceId: 'service/shop-dev/app',
        scalableDimension: 'ecs:service:DesiredCount',
        minCapacity: 2,
        maxCapacity: 6,
      });
      expect(get(desired, 'scaling-policy/app').spec).toEqual({
        resourceId: 'service/shop-dev/app',
        targetValue: 60,
        predefinedMetricType: 'ECSServiceAverageCPUUtilization',
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      });
      expect(get(desired, 'scaling-policy/app').dependsOn).toEqual(['scaling/app']);
      expect(get(desired, 'scaling/app').dependsOn).toEqual(['service/app']);
    }
  });
});
