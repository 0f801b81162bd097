import { describe, expect, it } from 'vitest';
import { parseStackFile, renderStackFileTemplate } from '../../../../src/desired/stack/index.js';
import { MODES } from '../../../../src/desired/stack-types.js';

describe('renderStackFileTemplate', () => {
  it.each([
    {
      reason: 'defaults',
      options: { stack: 'dev', services: ['web', 'api'] },
      region: 'us-east-1',
      mode: 'affordable',
    },
    ...MODES.map((mode) => ({
      reason: `mode ${mode}`,
      options: { stack: 'prod', region: 'eu-west-1', mode, services: ['web'] },
      region: 'eu-west-1',
      mode,
    })),
    {
      reason: 'no services',
      options: { stack: 'empty', services: [] },
      region: 'us-east-1',
      mode: 'affordable',
    },
    {
      reason: 'service names needing quotes and dots',
      options: { stack: 'odd', services: ['web.v2', 'True', '9lives'] },
      region: 'us-east-1',
      mode: 'affordable',
    },
  ])('loads back as a valid stack file: $reason', ({ options, region, mode }) => {
    const text = renderStackFileTemplate(options);

    const sf = parseStackFile(`/tmp/project/.stackctl/${options.stack}.yaml`, text);

    expect(sf).toMatchObject({
      stack: options.stack,
      region,
      mode,
      network: { vpc: 'create' },
      driftPolicy: 'correct',
    });
    expect(Object.keys(sf.services)).toEqual(options.services);
    for (const name of options.services) expect(sf.services[name]).toEqual({});
  });

  it('documents every option, and the documented lines load when uncommented', () => {
    const text = renderStackFileTemplate({ stack: 'dev', services: ['web'], mode: 'balanced' });

    for (const option of [
      'project:',
      'domain:',
      'cidr:',
      'publicSubnets:',
      'ttl:',
      'env:',
      'replicas:',
      'cpus:',
      'memory:',
      'image:',
      'domainname:',
      'environment:',
      'autoscaling:',
      'postgres:',
      'instanceClass: db.t4g.small',
      'redis:',
      'nodeType: cache.t4g.small',
    ]) {
      expect(text).toContain(option);
    }
    // Uncomment the in-place options (not the alternative `network:` block) and load again.
    const keys =
      'project|domain|cidr|ttl|env|API_URL|replicas|cpus|memory|image|domainname|environment|LOG_LEVEL|autoscaling|' +
      'postgres|instanceClass|allocatedStorage|multiAz|backupRetentionDays|deletionProtection|redis|nodeType|nodes';
    const uncommented = text.replace(new RegExp(`^(\\s*)# (\\s*)(${keys}):`, 'gm'), '$1$2$3:');
    const sf = parseStackFile('/tmp/project/.stackctl/dev.yaml', uncommented);
    expect(sf).toMatchObject({
      project: 'shop',
      domain: 'example.com',
      network: { vpc: 'create', cidr: '10.0.0.0/16' },
      ttlSeconds: 72 * 3600,
      env: { API_URL: 'https://api.example.com' },
      services: {
        web: {
          replicas: 2,
          cpus: 0.5,
          memoryMiB: 1024,
          image: 'registry/app:tag',
          domainname: 'app.example.com',
          environment: { LOG_LEVEL: 'debug' },
          autoscaling: { min: 2, max: 4, targetCpu: 70 },
        },
      },
      postgres: {
        instanceClass: 'db.t4g.small',
        allocatedStorageGiB: 20,
        multiAz: false,
        backupRetentionDays: 7,
        deletionProtection: false,
      },
      redis: { nodeType: 'cache.t4g.small', nodes: 1 },
    });
  });
});
