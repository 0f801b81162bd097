// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS template literals.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMPOSE_PROBLEM,
  COMPOSE_WARNING,
  interpolate,
  loadCompose,
} from '../../../../src/desired/compose/index.js';
import { loadError, loadOk, writeProject, yaml } from './project.js';

const VARS: Readonly<Record<string, string>> = {
  SET: 'value',
  EMPTY: '',
  B: 'bee',
  PORT: '8080',
  TOKEN: 's3cr3t',
};
const lookup = (name: string): string | undefined => VARS[name];

describe('interpolate', () => {
  it.each([
    { reason: 'plain text passes through', template: 'no vars', value: 'no vars', missing: [] },
    { reason: '${VAR} substitutes', template: 'x-${SET}-y', value: 'x-value-y', missing: [] },
    {
      reason: '$VAR substitutes up to the end of the name',
      template: '$SET/path',
      value: 'value/path',
      missing: [],
    },
    { reason: '$$ is a literal dollar', template: 'cost $$5 $${SET}', value: 'cost $5 ${SET}', missing: [] },
    {
      reason: 'unset ${VAR} becomes empty and is reported',
      template: 'a${NOPE}b',
      value: 'ab',
      missing: ['NOPE'],
    },
    { reason: 'unset $VAR becomes empty and is reported', template: '$NOPE', value: '', missing: ['NOPE'] },
    { reason: ':- uses the default when unset', template: '${NOPE:-d}', value: 'd', missing: [] },
    { reason: ':- uses the default when empty', template: '${EMPTY:-d}', value: 'd', missing: [] },
    { reason: ':- keeps a set value', template: '${SET:-d}', value: 'value', missing: [] },
    { reason: '- uses the default only when unset', template: '${NOPE-d}', value: 'd', missing: [] },
    { reason: '- keeps an empty value', template: '[${EMPTY-d}]', value: '[]', missing: [] },
    { reason: ':+ gives the alternative when set', template: '${SET:+alt}', value: 'alt', missing: [] },
    { reason: ':+ gives nothing when empty', template: '[${EMPTY:+alt}]', value: '[]', missing: [] },
    {
      reason: '+ gives the alternative when set, even empty',
      template: '${EMPTY+alt}',
      value: 'alt',
      missing: [],
    },
    { reason: '+ gives nothing when unset', template: '[${NOPE+alt}]', value: '[]', missing: [] },
    { reason: ':? keeps a set value', template: '${SET:?needed}', value: 'value', missing: [] },
    { reason: '? accepts an empty value', template: '[${EMPTY?needed}]', value: '[]', missing: [] },
    { reason: 'defaults nest', template: '${NOPE:-${B}}', value: 'bee', missing: [] },
    {
      reason: 'nested defaults report their own unset variables',
      template: '${NOPE:-${ALSO}}',
      value: '',
      missing: ['ALSO'],
    },
    {
      reason: 'an unused default is not evaluated',
      template: '${SET:-${ALSO}}',
      value: 'value',
      missing: [],
    },
    {
      reason: 'defaults may contain colons and quotes',
      template: '${NOPE-"http://x:1"}',
      value: '"http://x:1"',
      missing: [],
    },
    { reason: 'empty default', template: '[${NOPE:-}]', value: '[]', missing: [] },
    { reason: 'several variables in one string', template: '${SET}:$PORT', value: 'value:8080', missing: [] },
  ])('$reason', ({ template, value, missing }) => {
    expect(interpolate(template, lookup)).toEqual({ ok: true, value, missing });
  });

  it.each([
    {
      reason: ':? fails on an unset variable with its message',
      template: '${NOPE:?please set NOPE}',
      error: 'required variable NOPE is missing a value: please set NOPE',
    },
    {
      reason: ':? fails on an empty variable',
      template: '${EMPTY:?}',
      error: 'required variable EMPTY is missing a value',
    },
    {
      reason: '? fails on an unset variable',
      template: '${NOPE?x}',
      error: 'required variable NOPE is missing a value: x',
    },
    {
      reason: 'a lone $ before a non-name is invalid',
      template: 'a $1',
      error: 'must be followed by a name',
    },
    { reason: 'an unclosed ${ is invalid', template: '${SET', error: 'never closed' },
    { reason: 'an unknown operator is invalid', template: '${SET!x}', error: 'must be followed by' },
    { reason: 'an empty name is invalid', template: '${}', error: 'variable name' },
  ])('$reason', ({ template, error }) => {
    const result = interpolate(template, lookup);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(error);
  });

  it('never puts another variable value into a :? message', () => {
    const result = interpolate('${NOPE:?see $TOKEN}', lookup);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).not.toContain('s3cr3t');
  });
});

describe('interpolation in loadCompose', () => {
  const compose = yaml`
    services:
      web:
        image: app:\${TAG}
        environment:
          FROM: \${WHO}
  `;

  it.each([
    {
      reason: 'the shell environment wins over the stack file and .env',
      env: { TAG: 'shell', WHO: 'shell' },
      stackEnv: { TAG: 'stack', WHO: 'stack' },
      image: 'app:shell',
      who: 'shell',
    },
    {
      reason: 'the stack file env wins over .env',
      env: {},
      stackEnv: { TAG: 'stack' },
      image: 'app:stack',
      who: 'dotenv',
    },
    { reason: '.env is the lowest source', env: {}, stackEnv: {}, image: 'app:dotenv', who: 'dotenv' },
    {
      reason: 'a shell variable set to empty still wins',
      env: { TAG: '' },
      stackEnv: { TAG: 'stack' },
      image: 'app:',
      who: 'dotenv',
    },
  ])('$reason', ({ env, stackEnv, image, who }) => {
    const model = loadOk(compose, { '.env': 'TAG=dotenv\nWHO=dotenv\n' }, { env, stackEnv });
    expect(model.services.web?.image).toBe(image);
    expect(model.services.web?.environment.FROM).toBe(who);
  });

  it('lets .env refer to the shell environment', () => {
    const model = loadOk(compose, { '.env': 'TAG=v-${BASE}\nWHO=x\n' }, { env: { BASE: '2' } });
    expect(model.services.web?.image).toBe('app:v-2');
  });

  it('turns a missing variable into an empty string with one warning naming it', () => {
    const model = loadOk(yaml`
      services:
        web:
          image: app:\${TAG}
          command: run \${TAG}
    `);
    expect(model.services.web?.image).toBe('app:');
    const warnings = model.warnings.filter((w) => w.code === COMPOSE_WARNING.unsetVariable);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: expect.stringContaining('TAG'),
      field: 'services.web.image',
    });
    expect(warnings[0]?.location).toMatchObject({ line: 3, column: 12 });
  });

  it('reports every :? error with its location and field', () => {
    const error = loadError(yaml`
      services:
        web:
          image: \${IMAGE:?set IMAGE to the image to deploy}
          environment:
            - KEY=\${KEY?no key}
    `);
    expect(error.problems.map((p) => [p.code, p.field, p.location?.line, p.message])).toEqual([
      [
        COMPOSE_PROBLEM.interpolation,
        'services.web.image',
        3,
        'required variable IMAGE is missing a value: set IMAGE to the image to deploy',
      ],
      [
        COMPOSE_PROBLEM.interpolation,
        'services.web.environment[0]',
        5,
        'required variable KEY is missing a value: no key',
      ],
    ]);
  });

  it('interpolates values only, never keys, and unescapes $$', () => {
    const model = loadOk(
      yaml`
        services:
          web:
            image: nginx
            environment:
              \${NAME}: literal-key
              PRICE: $$5
            healthcheck:
              test: ["CMD-SHELL", "echo $$HOME"]
      `,
      {},
      { env: { NAME: 'x' } },
    );
    expect(model.services.web?.environment).toEqual({ '${NAME}': 'literal-key', PRICE: '$5' });
    expect(model.services.web?.healthcheck).toEqual({ disable: false, test: ['CMD-SHELL', 'echo $HOME'] });
  });

  it('interpolates before normalizing, so numbers may come from variables', () => {
    const model = loadOk(
      yaml`
        services:
          web:
            image: nginx
            ports:
              - "\${PORT:-80}:80"
              - target: 81
                published: \${PUB}
            deploy:
              replicas: \${REPLICAS}
      `,
      {},
      { env: { PUB: '8081', REPLICAS: '3' } },
    );
    expect(model.services.web?.ports.map((p) => p.published)).toEqual([80, 8081]);
    expect(model.services.web?.replicas).toBe(3);
  });

  it('uses process.env when no env is given', () => {
    const dir = writeProject({ 'compose.yaml': 'services:\n  web:\n    image: app:${STACKCTL_TEST_TAG}\n' });
    process.env.STACKCTL_TEST_TAG = 'from-process';
    try {
      const model = loadCompose({ file: join(dir, 'compose.yaml') });
      expect(model.services.web?.image).toBe('app:from-process');
    } finally {
      delete process.env.STACKCTL_TEST_TAG;
    }
  });
});
