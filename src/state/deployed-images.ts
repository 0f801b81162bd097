/**
 * The images a stack's last successful reconcile deployed, by compose service.
 *
 * A `build:` service has no image in compose: the user deploys it with `reconcile --image web=<ref>`.
 * Without a record of that image every later command (`plan`, `drift`, `status`, `destroy`) would fail
 * to render ("has no image") or, given another tag, report false drift. The project loader uses this
 * item as the lowest layer (`deployed`), only for services whose image comes from nowhere else.
 *
 * Written after a pass that applied everything, without the lease (the pass has released it): a write
 * carries the pass's start time and is conditional on no newer pass having written already, so a slow
 * writer never replaces a later deploy's images.
 *
 * @module
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionalCheckFailed, storeError } from './client.js';
import { imagesKey } from './keys.js';
import type { StackRef } from './types.js';

/** Options for {@link recordDeployedImages}. */
export interface RecordDeployedImagesOptions extends StackRef {
  /** Image reference by compose service name. */
  readonly images: Readonly<Record<string, string>>;
  /** When the pass that deployed them started (ISO-8601); a record of a later pass is never replaced. */
  readonly deployedAt: string;
}

/**
 * Stores the images a successful reconcile deployed.
 *
 * @returns false when a later pass had already recorded its images (nothing written)
 * @example await recordDeployedImages({ client, table, project, stack, images: { web: 'nginx:1.27' }, deployedAt });
 */
export async function recordDeployedImages(options: RecordDeployedImagesOptions): Promise<boolean> {
  try {
    await documentClient(options.client).send(
      new PutCommand({
        TableName: options.table,
        Item: {
          ...imagesKey(options.project, options.stack),
          images: options.images,
          deployedAt: options.deployedAt,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR deployedAt <= :at',
        ExpressionAttributeValues: { ':at': options.deployedAt },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw storeError('PutItem', err, `${options.project}/${options.stack} deployed images`);
  }
}

/** The images the stack's last successful reconcile deployed; empty when none was recorded. */
export async function readDeployedImages(options: StackRef): Promise<Readonly<Record<string, string>>> {
  try {
    const out = await documentClient(options.client).send(
      new GetCommand({
        TableName: options.table,
        Key: imagesKey(options.project, options.stack),
        ConsistentRead: true,
      }),
    );
    const images = out.Item?.images;
    if (typeof images !== 'object' || images === null) return {};
    return Object.fromEntries(
      Object.entries(images as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    );
  } catch (err) {
    throw storeError('GetItem', err, `${options.project}/${options.stack} deployed images`);
  }
}
