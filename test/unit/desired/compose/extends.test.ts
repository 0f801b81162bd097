import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM } from '../../../../src/desired/compose/index.js';
import { load, loadError, loadOk, yaml } from './project.js';

const BASE = yaml`
  services:
    base:
      image: app:1
      command: ["serve", "--port", "80"]
      environment:
        A: base
        B: base
      labels: [team=core]
      ports: ["80:80"]
      expose: [9000]
      depends_on: [db]
      healthcheck:
        test: ["CMD", "true"]
        interval: 10s
      deploy:
        replicas: 2
        resources:
          limits: { cpus: "1", memory: 1g }
    db:
      image: postgres:16
`;

describe('extends', () => {
  it.each([
    { reason: 'a same-file service name', ext: 'extends: base' },
    { reason: 'a same-file { service }', ext: 'extends: { service: base }' },
  ])('inherits from $reason', ({ ext }) => {
    const model = loadOk(`${BASE}  child:\n    ${ext}\n`);
    const child = model.services.child;
    expect(child?.image).toBe('app:1');
    expect(child?.command).toEqual(['serve', '--port', '80']);
    expect(child?.dependsOn).toEqual({ db: { condition: 'service_started', required: true } });
    expect(child?.replicas).toBe(2);
  });

  it('merges with compose rules: mappings merge, command is replaced, lists concatenate without duplicates', () => {
    const model = loadOk(
      `${BASE}  child:
    extends: base
    command: worker
    environment: [B=child, C=child]
    labels: { tier: web }
    ports: ["80:80", "8080:8080"]
    expose: [9001]
    healthcheck:
      test: ["CMD", "false"]
    deploy:
      resources:
        limits: { memory: 2g }
`,
    );
    const child = model.services.child;
    expect(child?.command).toEqual(['worker']);
    expect(child?.environment).toEqual({ A: 'base', B: 'child', C: 'child' });
    expect(child?.labels).toEqual({ team: 'core', tier: 'web' });
    expect(child?.ports.map((p) => p.published)).toEqual([80, 8080]);
    expect(child?.expose).toEqual([9000, 9001]);
    expect(child?.healthcheck).toEqual({ disable: false, test: ['CMD', 'false'], interval: 10 });
    expect(child?.limits).toEqual({ cpus: 1, memoryMiB: 2048 });
    // The base itself is unchanged.
    expect(model.services.base?.command).toEqual(['serve', '--port', '80']);
    expect(model.services.base?.environment).toEqual({ A: 'base', B: 'base' });
  });

  it('merges build, depends_on and mounts by key or target', () => {
    const model = loadOk(
      yaml`
        services:
          base:
            build: ./app
            depends_on: [db]
            volumes: ["data:/data", "cache:/cache"]
          child:
            extends: base
            build: { target: prod }
            depends_on: { cache: { condition: service_healthy } }
            volumes: ["other:/data"]
          db: { image: postgres }
          cache: { image: redis }
        volumes: { data: {}, cache: {}, other: {} }
      `,
    );
    expect(model.services.child).toMatchObject({
      build: { context: 'app', target: 'prod' },
      dependsOn: {
        db: { condition: 'service_started', required: true },
        cache: { condition: 'service_healthy', required: true },
      },
      // The mount for /data takes the base's /data entry's place (compose-go's EnforceUnicity).
      volumes: ['other', 'cache'],
    });
  });

  it('follows chains of extends', () => {
    const model = loadOk(`${BASE}  middle:
    extends: base
    environment: { B: middle }
  leaf:
    extends: middle
    environment: { C: leaf }
`);
    expect(model.services.leaf?.environment).toEqual({ A: 'base', B: 'middle', C: 'leaf' });
    expect(model.services.leaf?.image).toBe('app:1');
  });

  it('reads { file, service } relative to the file that names it, and resolves its env_file there', () => {
    const model = loadOk(
      yaml`
        services:
          web:
            extends:
              file: shared/common.yaml
              service: app
            environment: [LOCAL=1]
      `,
      {
        'shared/common.yaml': yaml`
          services:
            app:
              image: shared:\${TAG:-2}
              env_file: app.env
              build: ./src
        `,
        'shared/app.env': 'FROM_FILE=yes\n',
      },
    );
    expect(model.services.web).toMatchObject({
      image: 'shared:2',
      environment: { FROM_FILE: 'yes', LOCAL: '1' },
      build: { context: join('shared', 'src') },
    });
  });

  it('keeps the extended file in locations', () => {
    const outcome = load(
      yaml`
        services:
          web:
            extends: { file: base.yaml, service: app }
      `,
      { 'base.yaml': 'services:\n  app:\n    image: nginx\n    privileged: true\n' },
    );
    if (!('error' in outcome)) throw new Error('expected an error');
    expect(outcome.error.problems).toHaveLength(1);
    expect(outcome.error.problems[0]).toMatchObject({
      code: COMPOSE_PROBLEM.unsupported,
      field: 'services.web.privileged',
      location: { file: join(outcome.dir, 'base.yaml'), line: 4, column: 5 },
    });
  });

  it.each([
    {
      reason: 'a missing same-file service',
      compose: 'services:\n  web:\n    extends: nope\n',
      extra: {},
      field: 'services.web.extends',
      code: COMPOSE_PROBLEM.extends,
      message: 'extends service "nope", which is not defined in compose.yaml',
      line: 3,
    },
    {
      reason: 'a missing service in another file',
      compose: 'services:\n  web:\n    extends: { file: other.yaml, service: nope }\n',
      extra: { 'other.yaml': 'services:\n  app:\n    image: x\n' },
      field: 'services.web.extends',
      code: COMPOSE_PROBLEM.extends,
      message: 'extends service "nope", which is not defined in other.yaml',
      line: 3,
    },
    {
      reason: 'a missing file',
      compose: 'services:\n  web:\n    extends:\n      file: missing.yaml\n      service: app\n',
      extra: {},
      field: 'services.web.extends.file',
      code: COMPOSE_PROBLEM.fileNotFound,
      message: 'does not exist',
      line: 4,
    },
    {
      reason: 'a direct cycle, where it closes',
      compose: 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n',
      extra: {},
      field: 'services.b.extends',
      code: COMPOSE_PROBLEM.extends,
      message: 'extends forms a cycle: a (compose.yaml) → b (compose.yaml) → a (compose.yaml)',
      line: 5,
    },
    {
      reason: 'a service extending itself',
      compose: 'services:\n  a:\n    image: x\n    extends: a\n',
      extra: {},
      field: 'services.a.extends',
      code: COMPOSE_PROBLEM.extends,
      message: 'extends forms a cycle: a (compose.yaml) → a (compose.yaml)',
      line: 4,
    },
    {
      reason: 'a cycle across files, in the file where it closes',
      compose: 'services:\n  a:\n    extends: { file: other.yaml, service: b }\n',
      extra: { 'other.yaml': 'services:\n  b:\n    extends: { file: compose.yaml, service: a }\n' },
      field: 'services.b.extends',
      code: COMPOSE_PROBLEM.extends,
      message: 'a (compose.yaml) → b (other.yaml) → a (compose.yaml)',
      line: 3,
    },
  ])('reports $reason', ({ compose, extra, field, code, message, line }) => {
    const error = loadError(compose, extra);
    expect(error.problems).toHaveLength(1);
    const problem = error.problems.find((p) => p.field === field);
    expect(problem?.code, error.message).toBe(code);
    expect(problem?.message).toContain(message);
    expect(problem?.location?.line).toBe(line);
  });
});
