import { describe, expect, it } from 'vitest';
import { endpointUrl, publicEndpoints } from '../../../../src/desired/render/index.js';
import {
  composeService,
  containerOnlyPort,
  ingressPort,
  prov,
  resolvedStack,
} from '../../../helpers/resolved-fixture.js';

const ALB = 'shop-dev-alb-1.eu-west-1.elb.amazonaws.com';

const shop = () => [
  composeService('web', { ports: [ingressPort(80)] }),
  composeService('api', { ports: [ingressPort(80, { published: 8080 })] }),
  composeService('cache', { image: 'redis:7', ports: [containerOnlyPort(6379)] }),
  composeService('worker'),
];

describe('publicEndpoints', () => {
  it.each([
    {
      reason: 'without a domain: every published port on the load balancer name, 80 without a port',
      domain: undefined,
      overrides: {},
      endpoints: [
        { service: 'api', containerPort: 80, publishedPort: 8080, protocol: 'http' },
        { service: 'web', containerPort: 80, publishedPort: 80, protocol: 'http' },
      ],
      urls: [`http://${ALB}:8080/`, `http://${ALB}/`],
    },
    {
      reason: 'with a domain: https per host, plain listeners for the other published ports',
      domain: 'example.com',
      overrides: {
        web: { domainname: prov('shop.example.com', 'stack-file') },
        api: { domainname: prov('api.example.com', 'stack-file') },
      },
      endpoints: [
        { service: 'api', containerPort: 80, publishedPort: 8080, protocol: 'http' },
        { service: 'api', containerPort: 80, publishedPort: 443, protocol: 'https', host: 'api.example.com' },
        {
          service: 'web',
          containerPort: 80,
          publishedPort: 443,
          protocol: 'https',
          host: 'shop.example.com',
        },
      ],
      urls: [`http://${ALB}:8080/`, 'https://api.example.com/', 'https://shop.example.com/'],
    },
    {
      reason: 'a domainname in a stack without domain is not used: the load balancer name serves it',
      domain: undefined,
      overrides: { web: { domainname: prov('shop.example.com', 'stack-file') } },
      endpoints: [
        { service: 'api', containerPort: 80, publishedPort: 8080, protocol: 'http' },
        { service: 'web', containerPort: 80, publishedPort: 80, protocol: 'http' },
      ],
      urls: [`http://${ALB}:8080/`, `http://${ALB}/`],
    },
  ])('$reason', ({ domain, overrides, endpoints, urls }) => {
    const resolved = resolvedStack({ services: shop(), overrides, ...(domain ? { domain } : {}) });
    const found = publicEndpoints(resolved);
    expect(found).toEqual(endpoints);
    expect(found.map((e) => endpointUrl(e, ALB))).toEqual(urls);
  });

  it('lists nothing for a stack that publishes no port', () => {
    expect(publicEndpoints(resolvedStack({ services: [composeService('worker')] }))).toEqual([]);
  });
});
