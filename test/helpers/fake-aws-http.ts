/**
 * A tiny local AWS double over real HTTP, for tests of where calls go (endpoint and region precedence)
 * and how often they are sent (retry settings): the SDK's whole stack runs, only the server is fake.
 * It answers the few JSON-protocol operations those tests send, and records each request's target and
 * the region its signature is scoped to.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A running double. */
export interface FakeAws {
  readonly url: string;
  /** `X-Amz-Target` of every request received, in order. */
  readonly targets: string[];
  /** The region of every request's SigV4 credential scope, in order. */
  readonly regions: string[];
  /** Answer every request with HTTP 500 (a retryable server fault). */
  failing: boolean;
  close(): Promise<void>;
}

/** Canned answers by `X-Amz-Target`; anything else gets `{}`. */
const ANSWERS: Readonly<Record<string, unknown>> = {
  'AmazonEC2ContainerServiceV20141113.DescribeClusters': { clusters: [], failures: [] },
  'AmazonEC2ContainerServiceV20141113.CreateCluster': { cluster: { clusterName: 'c' } },
  'DynamoDB_20120810.ListTables': { TableNames: [] },
  'DynamoDB_20120810.Query': { Items: [], Count: 0 },
  'DynamoDB_20120810.Scan': { Items: [], Count: 0 },
};

/** `Credential=AKID/20261206/eu-west-1/ecs/aws4_request` → `eu-west-1`. */
function signedRegion(req: IncomingMessage): string {
  const auth = String(req.headers.authorization ?? '');
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth)?.[1] ?? '';
}

/** Starts a double on a free loopback port. */
export async function startFakeAws(): Promise<FakeAws> {
  const fake = { targets: [] as string[], regions: [] as string[], failing: false };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      fake.targets.push(target);
      fake.regions.push(signedRegion(req));
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (fake.failing) {
        res.statusCode = 500;
        res.end(JSON.stringify({ __type: 'ServerException', message: 'injected' }));
        return;
      }
      res.end(JSON.stringify(ANSWERS[target] ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return Object.assign(fake, {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
