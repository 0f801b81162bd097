// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS template literals.
import { describe, expect, it } from 'vitest';
import { loadStackProject } from '../../../../src/desired/load-project.js';
import { COMPOSED_CONTENT_CURRENT } from '../../../../src/desired/render/render-composed.js';
import type { DesiredResource, DesiredStack } from '../../../../src/desired/resource-types.js';
import { formatPlanText } from '../../../../src/diff/format-plan.js';
import { planToJson } from '../../../../src/diff/plan-json.js';
import { planStack } from '../../../../src/diff/plan-stack.js';
import type { ObservedResource } from '../../../../src/observed/types.js';
import { cli } from '../../cli/run-cli.js';
import { writeProject, yaml } from '../compose/project.js';

const STACK_FILE = 'region: us-east-1\nmode: affordable\nnetwork: { vpc: create }\n';

function project(compose: string, env: Record<string, string> = {}, stackFile = STACK_FILE) {
  const dir = writeProject({ 'compose.yaml': `name: shop\n${compose}`, '.stackctl/dev.yaml': stackFile });
  return { dir, ...loadStackProject({ cwd: dir, stack: 'dev', env }) };
}

function get(desired: DesiredStack, id: string): DesiredResource {
  const r = desired.resources.find((x) => x.logicalId === id);
  if (r === undefined) throw new Error(`no ${id} in ${desired.resources.map((x) => x.logicalId).join(', ')}`);
  return r;
}

interface Container {
  readonly environment: readonly { name: string; value: unknown }[];
  readonly secrets: readonly { name: string; valueFrom: string }[];
}
const container = (desired: DesiredStack, svc: string): Container =>
  (get(desired, `taskdef/${svc}`).spec.containerDefinitions as unknown as Container[])[0] as Container;

const FASTAPI = yaml`
  services:
    postgres:
      image: postgres:16
      x-defang-postgres: true
      environment: [POSTGRES_PASSWORD]
    app:
      image: app:1
      depends_on: [postgres]
      environment:
        DATABASE_URL: postgresql://postgres:\${POSTGRES_PASSWORD}@postgres:5432/postgres?sslmode=\${SSL_MODE}
        SSL_MODE:
`;

describe('composed secrets', () => {
  it.each([
    {
      reason: 'the managed database password the container itself receives, plus its own config key',
      compose: FASTAPI,
      sources: {
        POSTGRES_PASSWORD: '/stackctl/shop/dev/POSTGRES_PASSWORD',
        SSL_MODE: '/stackctl/shop/dev/SSL_MODE',
      },
      dependsOn: ['param/postgres-password'],
      required: ['SSL_MODE'],
    },
    {
      reason: 'the generated password of the managed Postgres that declares the key, even without depends_on',
      compose: yaml`
        services:
          database:
            image: postgres:16
            x-defang-postgres: true
            environment: [POSTGRES_PASSWORD]
          app:
            image: app:1
            environment:
              - POSTGRES_URL=postgres://postgres:\${POSTGRES_PASSWORD}@database:5432/postgres
      `,
      sources: { POSTGRES_PASSWORD: '/stackctl/shop/dev/DATABASE_PASSWORD' },
      dependsOn: ['param/database-password'],
      required: [],
    },
    {
      reason: 'the config key of a plain (unmanaged) database container: the same parameter it reads',
      compose: yaml`
        services:
          pg:
            image: postgres:16.4
            environment: [POSTGRES_PASSWORD]
          app:
            image: app:1
            environment:
              - POSTGRES_URL=postgres://u:\${POSTGRES_PASSWORD}@pg:5432/db
      `,
      sources: { POSTGRES_PASSWORD: '/stackctl/shop/dev/POSTGRES_PASSWORD' },
      dependsOn: [],
      required: ['POSTGRES_PASSWORD'],
    },
    {
      reason: 'a config key only a non-ECS service declares: required because the composition reads it',
      compose: yaml`
        services:
          cache:
            image: redis:7
            x-defang-redis: true
            environment: [REDIS_PASSWORD]
          app:
            image: app:1
            environment:
              - POSTGRES_URL=redis://:\${REDIS_PASSWORD}@cache:6379
      `,
      sources: { REDIS_PASSWORD: '/stackctl/shop/dev/REDIS_PASSWORD' },
      dependsOn: [],
      required: ['REDIS_PASSWORD'],
    },
  ])('renders a derived parameter read from $reason', ({ compose, sources, dependsOn, required }) => {
    const { desired } = project(compose);
    const key = Object.keys(sources).length === 2 ? 'DATABASE_URL' : 'POSTGRES_URL';
    const param = get(desired, `param/composed/app/${key}`);
    const name = `/stackctl/shop/dev/_composed/app/${key}`;
    expect(param.kind).toBe('ssm.Parameter');
    expect(param.name).toBe(name);
    expect(param.spec).toMatchObject({
      name,
      type: 'SecureString',
      sources,
      content: COMPOSED_CONTENT_CURRENT,
    });
    expect(param.spec.template).toMatch(/\$\{(POSTGRES|REDIS)_PASSWORD\}/);
    expect(param.dependsOn).toEqual(dependsOn);
    const c = container(desired, 'app');
    expect(c.secrets).toContainEqual({ name: key, valueFrom: name });
    expect(c.environment.map((e) => e.name)).not.toContain(key);
    expect(get(desired, 'taskdef/app').dependsOn).toContain(`param/composed/app/${key}`);
    expect(desired.requiredSecrets).toEqual(required);
    // The broken form compose would have produced (an empty password) appears nowhere.
    expect(JSON.stringify(desired)).not.toMatch(/(postgres(ql)?|redis):\/\/\w*:@/);
  });

  it('is explained as a template, its secret left as ${VAR}', async () => {
    const { dir } = project(FASTAPI);
    const result = await cli('render', '--stack', 'dev', '-C', dir, '--explain');
    expect(result.out).toContain(
      'services.app.environment.DATABASE_URL = "composed from SSM at deploy time: postgresql://postgres:${POSTGRES_PASSWORD}@postgres:5432/postgres?sslmode=${SSL_MODE}"',
    );
  });

  it('lets a stack-file literal replace a composed value, like any compose value', () => {
    const { desired } = project(
      FASTAPI,
      {},
      `${STACK_FILE}services:\n  app:\n    environment: { DATABASE_URL: "sqlite:///tmp/db" }\n`,
    );
    expect(desired.resources.some((r) => r.logicalId === 'param/composed/app/DATABASE_URL')).toBe(false);
    expect(container(desired, 'app').environment).toContainEqual({
      name: 'DATABASE_URL',
      value: 'sqlite:///tmp/db',
    });
  });
});

const LITERALS = yaml`
  services:
    db:
      image: mariadb:10.6
      environment:
        MYSQL_ROOT_PASSWORD: nextcloud-root-pw
        DB_PASSWD: gitea-db-pw
    app:
      image: app:1
      environment:
        - POSTGRES_PASSWORD=gitea-pg-pw
        - API_TOKEN
        - BASIC_AUTH
`;
const LITERAL_VALUES = [
  'nextcloud-root-pw',
  'gitea-db-pw',
  'gitea-pg-pw',
  'from-the-shell-tkn',
  'user:basic-auth-pw',
];

describe('secret-looking values in output', () => {
  it.each([
    { reason: 'render --output json', args: ['--output', 'json'] },
    { reason: 'render --output yaml', args: ['--output', 'yaml'] },
    { reason: 'render --output text', args: ['--output', 'text'] },
    { reason: 'render --explain', args: ['--explain'] },
  ])('never prints a literal or shell-supplied secret: $reason', async ({ args }) => {
    const { dir } = project(LITERALS);
    process.env.API_TOKEN = 'from-the-shell-tkn';
    process.env.BASIC_AUTH = 'user:basic-auth-pw';
    try {
      const result = await cli('render', '--stack', 'dev', '-C', dir, ...args);
      expect(result.code, result.err).toBe(0);
      for (const v of LITERAL_VALUES) expect(result.out + result.err).not.toContain(v);
      expect(result.out).toContain(args[0] === '--explain' ? 'BASIC_AUTH' : 'shop');
    } finally {
      delete process.env.API_TOKEN;
      delete process.env.BASIC_AUTH;
    }
  });

  it('still gives the container the literal values (the task definition needs them)', () => {
    const { desired } = project(LITERALS, { API_TOKEN: 'from-the-shell-tkn', BASIC_AUTH: 'u:p' });
    expect(container(desired, 'db').environment).toContainEqual({
      name: 'MYSQL_ROOT_PASSWORD',
      value: 'nextcloud-root-pw',
    });
    expect(container(desired, 'app').environment).toContainEqual({
      name: 'API_TOKEN',
      value: 'from-the-shell-tkn',
    });
  });

  it.each([
    { reason: 'text plan', format: (p: ReturnType<typeof planStack>) => formatPlanText(p, { color: false }) },
    { reason: 'JSON plan', format: (p: ReturnType<typeof planStack>) => planToJson(p) },
  ])('the $reason of a changed task definition shows neither old nor new secret', ({ format }) => {
    const before = project(LITERALS, { API_TOKEN: 'old-shell-tkn-000', BASIC_AUTH: 'old:pw-000' }).desired;
    const after = project(LITERALS, {
      API_TOKEN: 'from-the-shell-tkn',
      BASIC_AUTH: 'user:basic-auth-pw',
    }).desired;
    const old = get(before, 'taskdef/app');
    const observed: ObservedResource = {
      kind: old.kind,
      logicalId: old.logicalId,
      name: old.name,
      physicalId: 'arn:aws:ecs:us-east-1:1:task-definition/shop-dev-app:1',
      spec: old.spec,
      tags: old.tags,
      outputs: {},
      health: 'Healthy',
    };
    const plan = planStack({
      project: 'shop',
      stack: 'dev',
      desired: [get(after, 'taskdef/app')],
      observed: [observed],
    });
    const text = format(plan);
    expect(text).toContain('taskdef/app');
    for (const v of [...LITERAL_VALUES, 'old-shell-tkn-000', 'old:pw-000']) expect(text).not.toContain(v);
  });
});
