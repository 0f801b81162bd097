import { describe, expect, it } from 'vitest';
import { postgresVersion, redisVersion } from '../../../../src/desired/compose/extensions.js';
import {
  parseCpus,
  parseDurationSeconds,
  parseMemoryMiB,
  parseShortPort,
} from '../../../../src/desired/compose/index.js';
import { splitShellWords } from '../../../../src/desired/compose/shell-split.js';

describe('parseShortPort', () => {
  it.each([
    { reason: 'a container port alone', spec: '80', ports: [{ target: 80, protocol: 'tcp' }] },
    {
      reason: 'published:target',
      spec: '8080:80',
      ports: [{ target: 80, published: 8080, protocol: 'tcp' }],
    },
    {
      reason: 'host IP, published, target and protocol',
      spec: '127.0.0.1:8080:80/udp',
      ports: [{ target: 80, published: 8080, protocol: 'udp', hostIp: '127.0.0.1' }],
    },
    {
      reason: 'a host IP with no published port',
      spec: '127.0.0.1::80',
      ports: [{ target: 80, protocol: 'tcp', hostIp: '127.0.0.1' }],
    },
    {
      reason: 'a bracketed IPv6 host IP',
      spec: '[::1]:8080:80',
      ports: [{ target: 80, published: 8080, protocol: 'tcp', hostIp: '::1' }],
    },
    { reason: 'the protocol in upper case', spec: '53/UDP', ports: [{ target: 53, protocol: 'udp' }] },
    {
      reason: 'a container range',
      spec: '3000-3002',
      ports: [3000, 3001, 3002].map((target) => ({ target, protocol: 'tcp' })),
    },
    {
      reason: 'matching ranges',
      spec: '9090-9091:8080-8081',
      ports: [
        { target: 8080, published: 9090, protocol: 'tcp' },
        { target: 8081, published: 9091, protocol: 'tcp' },
      ],
    },
  ])('parses $reason', ({ spec, ports }) => {
    expect(parseShortPort(spec)).toEqual(ports);
  });

  it.each([
    { reason: 'a non-number', spec: 'http', message: 'bad container port' },
    { reason: 'port 0', spec: '0', message: 'bad container port' },
    { reason: 'a port above 65535', spec: '70000', message: 'bad container port' },
    { reason: 'a reversed range', spec: '3005-3000', message: 'bad container port' },
    { reason: 'ranges of different lengths', spec: '9000-9002:80-81', message: 'differ in length' },
    { reason: 'a published range for one port', spec: '8000-8010:80', message: 'differ in length' },
    { reason: 'a range over 100 ports', spec: '1000-2000', message: 'more than 100 ports' },
    { reason: 'too many colons', spec: '1:2:3:4', message: 'expected [HOST_IP:]' },
    { reason: 'a bad published port', spec: 'x:80', message: 'bad published port' },
  ])('rejects $reason', ({ spec, message }) => {
    expect(parseShortPort(spec)).toEqual(expect.stringContaining(message));
  });
});

describe('units', () => {
  it.each([
    { reason: 'seconds', input: '10s', seconds: 10 },
    { reason: 'minutes and seconds', input: '1m30s', seconds: 90 },
    { reason: 'milliseconds', input: '500ms', seconds: 0.5 },
    { reason: 'hours and minutes', input: '2h45m', seconds: 9900 },
    { reason: 'a fraction', input: '1.5h', seconds: 5400 },
    { reason: 'microseconds', input: '250us', seconds: 0.00025 },
    { reason: 'a bare number is seconds', input: '30', seconds: 30 },
    { reason: 'a YAML number is seconds', input: 45, seconds: 45 },
    { reason: 'zero', input: '0s', seconds: 0 },
  ])('reads the duration $reason', ({ input, seconds }) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it.each([
    { input: '' },
    { input: '10x' },
    { input: 's' },
    { input: '1m 30s' },
    { input: '-5s' },
    { input: -1 },
  ])('rejects the duration $input', ({ input }) => {
    expect(parseDurationSeconds(input)).toBeUndefined();
  });

  it.each([
    { reason: 'M', input: '512M', mib: 512 },
    { reason: 'lower-case g', input: '1g', mib: 1024 },
    { reason: 'GiB', input: '2GiB', mib: 2048 },
    { reason: 'GB (docker reads it as GiB)', input: '1GB', mib: 1024 },
    { reason: 'MB', input: '256mb', mib: 256 },
    { reason: 'k rounds up to a whole MiB', input: '1536k', mib: 2 },
    { reason: 'a fraction', input: '0.5g', mib: 512 },
    { reason: 'a byte count as text', input: '1048576', mib: 1 },
    { reason: 'a byte count as a YAML number', input: 536870912, mib: 512 },
    { reason: 'b suffix', input: '2097152b', mib: 2 },
  ])('reads the memory size with $reason', ({ input, mib }) => {
    expect(parseMemoryMiB(input)).toBe(mib);
  });

  it.each([{ input: 'lots' }, { input: '1x' }, { input: '' }, { input: '-1g' }])(
    'rejects the memory size $input',
    ({ input }) => {
      expect(parseMemoryMiB(input)).toBeUndefined();
    },
  );

  it.each([
    { reason: 'a string', input: '0.5', cpus: 0.5 },
    { reason: 'a number', input: 2, cpus: 2 },
    { reason: 'a padded string', input: ' 1.25 ', cpus: 1.25 },
    { reason: 'zero is not valid', input: '0', cpus: undefined },
    { reason: 'text is not valid', input: 'two', cpus: undefined },
    { reason: 'an empty string is not valid', input: '', cpus: undefined },
  ])('reads cpus from $reason', ({ input, cpus }) => {
    expect(parseCpus(input)).toBe(cpus);
  });
});

describe('splitShellWords', () => {
  it.each([
    {
      reason: 'words on whitespace',
      text: 'celery -A app  worker',
      words: ['celery', '-A', 'app', 'worker'],
    },
    {
      reason: 'double quotes keep spaces',
      text: 'sh -c "sleep 10 && run"',
      words: ['sh', '-c', 'sleep 10 && run'],
    },
    { reason: 'single quotes are literal', text: `echo '$HOME "x"'`, words: ['echo', '$HOME "x"'] },
    { reason: 'escapes inside double quotes', text: 'echo "a \\"b\\" \\\\"', words: ['echo', 'a "b" \\'] },
    { reason: 'backslash outside quotes', text: 'a\\ b c', words: ['a b', 'c'] },
    { reason: 'an empty quoted word', text: `run --config ''`, words: ['run', '--config', ''] },
    { reason: 'quotes joined to text', text: '--name="my app"', words: ['--name=my app'] },
    { reason: 'the empty string', text: '   ', words: [] },
  ])('splits $reason', ({ text, words }) => {
    expect(splitShellWords(text)).toEqual(words);
  });

  it('rejects an unclosed quote', () => {
    expect(splitShellWords('sh -c "oops')).toBeUndefined();
  });
});

describe('engine versions from image tags', () => {
  it.each([
    { image: 'postgres:16-alpine', version: '16' },
    { image: 'postgres:14.5', version: '14' },
    { image: 'docker.io/library/postgres:16-alpine', version: '16' },
    { image: 'pgvector/pgvector:pg16', version: '16' },
    { image: 'postgres:9.6', version: '9.6' },
    { image: 'localhost:5000/postgres:15', version: '15' },
    { image: 'postgres:latest', version: undefined },
    { image: 'postgres', version: undefined },
    { image: 'postgres@sha256:abc', version: undefined },
  ])('postgres $image → $version', ({ image, version }) => {
    expect(postgresVersion(image)).toBe(version);
  });

  it.each([
    { image: 'redis:7.2-alpine', version: '7.2' },
    { image: 'redis:6', version: '6' },
    { image: 'redis:7.2.4', version: '7.2' },
    { image: 'redis:alpine', version: undefined },
    { image: 'redis', version: undefined },
  ])('redis $image → $version', ({ image, version }) => {
    expect(redisVersion(image)).toBe(version);
  });
});
