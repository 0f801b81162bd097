/**
 * An in-memory SDK request handler that answers every attempt with one canned HTTP response, and
 * counts the attempts: for tests of what happens after AWS fails on its side (5xx), which moto cannot
 * be made to do. The SDK's real retry, deserialization and middleware stack all run.
 *
 * @module
 */

/** One canned answer. */
export interface CannedResponse {
  readonly statusCode: number;
  /** JSON-protocol error body, e.g. `{ __type: 'ServerException', message: 'injected' }`. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** A handler plus what it saw. */
export interface CannedHandler {
  readonly requestHandler: {
    handle(request: { readonly hostname?: string }): Promise<{ response: unknown }>;
    updateHttpClientConfig(): void;
    httpHandlerConfigs(): Record<string, never>;
  };
  /** HTTP attempts received. */
  attempts(): number;
  /** Every request body received, as text (to prove what was sent, e.g. that a secret was sent). */
  bodies(): readonly string[];
}

/** A handler answering every attempt with `answer`. */
export function cannedHandler(answer: CannedResponse): CannedHandler {
  let attempts = 0;
  const bodies: string[] = [];
  return {
    requestHandler: {
      async handle(request) {
        attempts += 1;
        const body = (request as { body?: unknown }).body;
        bodies.push(
          typeof body === 'string'
            ? body
            : body instanceof Uint8Array
              ? new TextDecoder().decode(body)
              : String(body ?? ''),
        );
        const text = answer.body ? JSON.stringify(answer.body) : '';
        return {
          response: {
            statusCode: answer.statusCode,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: new TextEncoder().encode(text),
          },
        };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    },
    attempts: () => attempts,
    bodies: () => bodies,
  };
}
