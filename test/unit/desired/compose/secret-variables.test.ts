// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS template literals.
import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from '../../../../src/desired/compose/index.js';
import { composedTemplate, secretPlaceholder } from '../../../../src/desired/compose/secret-variables.js';
import { load, loadError, loadOk, yaml } from './project.js';

const VALUE = 's3cr3t-Value-9x';

describe('environment keys without a value', () => {
  const compose = yaml`
    services:
      api:
        image: nginx
        environment:
          - API_TOKEN
          - LOG_LEVEL
          - UNSET_TOKEN
  `;
  it.each([
    {
      reason: 'the shell wins over every other layer',
      options: { env: { API_TOKEN: VALUE }, stackEnv: { API_TOKEN: 'stack' } },
      dotenv: 'API_TOKEN=dotenv\n',
      layer: 'the shell environment',
    },
    {
      reason: "the stack file's env: when the shell does not set it",
      options: { env: {}, stackEnv: { API_TOKEN: VALUE } },
      dotenv: 'API_TOKEN=dotenv\n',
      layer: "the stack file's env:",
    },
    {
      reason: 'the project .env when nothing above sets it',
      options: { env: {} },
      dotenv: `API_TOKEN=${VALUE}\n`,
      layer: 'the project .env',
    },
  ])(
    'takes the value $reason, warns naming service, key and layer, never the value',
    ({ options, dotenv, layer }) => {
      const outcome = load(compose, { '.env': dotenv }, options);
      if (!('model' in outcome)) throw outcome.error;
      const api = outcome.model.services.api;
      expect(api?.environment.API_TOKEN).toBe(VALUE);
      expect(api?.interpolatedSecretKeys).toEqual(['API_TOKEN']);
      const warnings = outcome.model.warnings.filter((w) => w.code === COMPOSE_WARNING.envFromInterpolation);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain('service "api"');
      expect(warnings[0]?.message).toContain('API_TOKEN');
      expect(warnings[0]?.message).toContain(layer);
      expect(warnings[0]?.field).toBe('services.api.environment.API_TOKEN');
      expect(JSON.stringify(outcome.model.warnings)).not.toContain(VALUE);
    },
  );

  it.each([
    { reason: 'a plain name is just a value, as in compose: no warning', key: 'LOG_LEVEL', value: 'debug' },
    { reason: 'a key nothing sets stays an SSM secret', key: 'UNSET_TOKEN', value: null },
  ])('$reason', ({ key, value }) => {
    const model = loadOk(compose, {}, { env: { LOG_LEVEL: 'debug' } });
    expect(model.services.api?.environment[key]).toBe(value);
    expect(model.warnings.some((w) => w.field === `services.api.environment.${key}`)).toBe(false);
  });
});

describe('secrets interpolated into other values', () => {
  it.each([
    {
      reason: 'a key without value of another service (Defang postgres sample)',
      compose: yaml`
        services:
          db:
            image: postgres:16
            x-defang-postgres: true
            environment: [POSTGRES_PASSWORD]
          app:
            image: app
            environment:
              DATABASE_URL: postgresql://postgres:\${POSTGRES_PASSWORD}@db:5432/postgres?sslmode=\${SSL_MODE}
              SSL_MODE:
      `,
      env: {},
      template: 'postgresql://postgres:${POSTGRES_PASSWORD}@db:5432/postgres?sslmode=${SSL_MODE}',
      variables: ['POSTGRES_PASSWORD', 'SSL_MODE'],
    },
    {
      reason: 'a plain variable set in the shell is interpolated now, only the secret is deferred',
      compose: yaml`
        services:
          app:
            image: app
            environment:
              - TOKEN
              - AUTH=Bearer \${TOKEN} for \${USER_NAME} costs $$5
      `,
      env: { USER_NAME: 'ann' },
      template: 'Bearer ${TOKEN} for ann costs $$5',
      variables: ['TOKEN'],
    },
  ])('keeps a template for $reason', ({ compose, env, template, variables }) => {
    const model = loadOk(compose, {}, { env });
    const app = model.services.app;
    const key = Object.keys(app?.composedEnvironment ?? {})[0] ?? '';
    expect(app?.composedEnvironment?.[key]).toEqual({ template, variables });
    expect(app?.environment[key]).toBeUndefined();
    expect(model.warnings.some((w) => w.code === COMPOSE_WARNING.unsetVariable)).toBe(false);
  });

  it('interpolates normally when the shell sets the secret variable (the key takes the same value)', () => {
    const model = loadOk(
      yaml`
        services:
          app:
            image: app
            environment: [TOKEN, "AUTH=Bearer \${TOKEN}"]
      `,
      {},
      { env: { TOKEN: 'abc' } },
    );
    expect(model.services.app?.environment).toEqual({ TOKEN: 'abc', AUTH: 'Bearer abc' });
    expect(model.services.app?.composedEnvironment).toBeUndefined();
  });

  it.each([
    {
      reason: 'command',
      field: 'command',
      yamlLine: 'command: ["login", "${TOKEN}"]',
      path: 'services.app.command[1]',
    },
    {
      reason: 'entrypoint',
      field: 'entrypoint',
      yamlLine: 'entrypoint: run --token=${TOKEN}',
      path: 'services.app.entrypoint',
    },
    {
      reason: 'the image name',
      field: 'image',
      yamlLine: 'image: registry/${TOKEN}/app',
      path: 'services.app.image',
    },
  ])(
    'refuses a secret interpolated into $reason, naming file, line, field and what to do',
    ({ yamlLine, path }) => {
      const compose = `services:\n  app:\n    ${yamlLine.startsWith('image') ? '' : 'image: app\n    '}${yamlLine}\n    environment: [TOKEN]\n`;
      const error = loadError(compose);
      const problem = error.problems.find((p) => p.code === COMPOSE_PROBLEM.secretInterpolation);
      expect(problem?.field).toBe(path);
      expect(problem?.location?.file).toMatch(/compose\.yaml$/);
      expect(problem?.location?.line).toBe(yamlLine.startsWith('image') ? 3 : 4);
      expect(problem?.message).toContain('${TOKEN} is a secret');
      expect(problem?.message).toContain('$$TOKEN');
    },
  );

  it('escapes every literal $ of the interpolated text so only placeholders become variables', () => {
    expect(composedTemplate(`a$b${secretPlaceholder('X')}$$`)).toEqual({
      template: 'a$$b${X}$$$$',
      variables: ['X'],
    });
  });
});
