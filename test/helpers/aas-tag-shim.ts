/**
 * moto 5.2.1 answers the Application Auto Scaling tagging calls (ListTagsForResource, TagResource,
 * UntagResource) with a 500 and drops the Tags of RegisterScalableTarget. This stands in for exactly
 * those calls with an in-memory tag store, as SDK middleware; every other AAS call goes to moto.
 *
 * @module
 */
import type {
  ApplicationAutoScalingClient,
  ServiceInputTypes,
  ServiceOutputTypes,
} from '@aws-sdk/client-application-auto-scaling';
import type { InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput } from '@smithy/types';

type Result = InitializeHandlerOutput<ServiceOutputTypes>;

function answer(output: Record<string, unknown>): Result {
  return { output: { $metadata: {}, ...output } as ServiceOutputTypes, response: {} };
}

/** Serves the AAS tagging calls of `client` from memory; returns the store (ARN → tags). */
export function shimAasTags(client: ApplicationAutoScalingClient): Map<string, Record<string, string>> {
  const store = new Map<string, Record<string, string>>();
  const arnByResource = new Map<string, string>();
  client.middlewareStack.add(
    (next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>, context) =>
      async (args: InitializeHandlerArguments<ServiceInputTypes>): Promise<Result> => {
        const input = args.input as unknown as Record<string, unknown>;
        const arn = String(input.ResourceARN ?? '');
        switch (context.commandName) {
          case 'ListTagsForResourceCommand':
            return answer({ Tags: { ...(store.get(arn) ?? {}) } });
          case 'TagResourceCommand':
            store.set(arn, { ...(store.get(arn) ?? {}), ...(input.Tags as Record<string, string>) });
            return answer({});
          case 'UntagResourceCommand': {
            const kept = { ...(store.get(arn) ?? {}) };
            for (const key of input.TagKeys as string[]) delete kept[key];
            store.set(arn, kept);
            return answer({});
          }
          case 'RegisterScalableTargetCommand': {
            const result = await next(args);
            const created = (result.output as { ScalableTargetARN?: string }).ScalableTargetARN ?? '';
            arnByResource.set(String(input.ResourceId), created);
            if (!store.has(created))
              store.set(created, { ...((input.Tags as Record<string, string>) ?? {}) });
            return result;
          }
          case 'DeregisterScalableTargetCommand': {
            const result = await next(args);
            store.delete(arnByResource.get(String(input.ResourceId)) ?? '');
            return result;
          }
          default:
            return next(args);
        }
      },
    { step: 'initialize', name: 'e2eAasTagShim' },
  );
  return store;
}
