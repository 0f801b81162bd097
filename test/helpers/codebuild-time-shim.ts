/**
 * moto 5.2.1's CodeBuild answers timestamps (`created`, `startTime`, phase `endTime`…) as ISO-8601
 * strings where the AWS JSON protocol sends epoch seconds, and the SDK refuses to parse them ("Expected
 * real number"). This rewrites exactly those values in CodeBuild response bodies before the SDK
 * deserializes them, as SDK middleware on one client; everything else moto answers passes unchanged.
 *
 * @module
 */
import type { CodeBuildClient, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-codebuild';
import type { DeserializeHandler, DeserializeHandlerArguments } from '@smithy/types';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function epochTimes(value: unknown): unknown {
  if (typeof value === 'string' && ISO_TIME.test(value)) return Date.parse(value) / 1000;
  if (Array.isArray(value)) return value.map(epochTimes);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, epochTimes(v)]));
  return value;
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Makes `client` read moto's CodeBuild timestamps (see the module doc). */
export function shimCodeBuildTimes(client: CodeBuildClient): void {
  client.middlewareStack.addRelativeTo(
    (next: DeserializeHandler<ServiceInputTypes, ServiceOutputTypes>) =>
      async (args: DeserializeHandlerArguments<ServiceInputTypes>) => {
        const result = await next(args);
        const response = result.response as { statusCode?: number; body?: unknown };
        if (
          response.statusCode === 200 &&
          response.body &&
          Symbol.asyncIterator in (response.body as object)
        ) {
          const text = await readAll(response.body as AsyncIterable<Uint8Array>);
          response.body = new TextEncoder().encode(
            text ? JSON.stringify(epochTimes(JSON.parse(text))) : text,
          );
        }
        return result;
      },
    {
      relation: 'after',
      toMiddleware: 'deserializerMiddleware',
      name: 'motoCodeBuildTimeShim',
      override: true,
    },
  );
}
