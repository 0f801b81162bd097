/**
 * An HTTP endpoint that answers every request with 500 and remembers it: pointed at by `--endpoint-url`,
 * it proves a command made no AWS call at all (an empty log), which moto cannot show.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running recorder. */
export interface RecordingEndpoint {
  readonly endpoint: string;
  /** `METHOD url` of every request received so far. */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

/** Starts a recorder on a free loopback port. */
export async function startRecordingEndpoint(): Promise<RecordingEndpoint> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    req.resume();
    res.statusCode = 500;
    res.end('recording endpoint: no AWS call was expected');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
