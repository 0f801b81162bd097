/**
 * Applies `elbv2.Listener`. Listeners have no name, so create reads the load balancer's listeners first:
 * one carrying this logical id and our tags is adopted; any other listener holding the port is a conflict
 * (moto would happily create a second listener on the same port). Then CreateListener with tags, and the
 * certificate for HTTPS, once that certificate is ISSUED (certificate-wait.ts: NotReady until then).
 * Update: one ModifyListener with the touched fields. Delete: DeleteListener.
 *
 * @module
 */
import {
  CreateListenerCommand,
  DeleteListenerCommand,
  type Listener,
  ModifyListenerCommand,
  type ModifyListenerCommandInput,
  type ProtocolEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isNotFound } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { isOwnedBy, recordToTagList } from '../desired/tags.js';
import { describeElbTags } from '../observed/elbv2-common.js';
import { listListeners } from '../observed/elbv2-listener.js';
import { assertObservedOwned, touches } from './apply-helpers.js';
import { assertCertificateIssued } from './certificate-wait.js';
import { syncElbTags, toAction } from './elbv2-common.js';
import { NotReadyError, OwnershipConflictError } from './errors.js';
import { num, obj, optStr, str } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** How long the engine waits before retrying when another listener of this stack still holds the port. */
const PORT_BUSY_RETRY_MS = 10_000;

/** The TLS fields of a listener: sent together, since switching to HTTPS needs all of them. */
function tlsInput(s: Spec): Pick<ModifyListenerCommandInput, 'Certificates' | 'SslPolicy'> {
  const certificateArn = optStr(s, 'certificateArn');
  return {
    Certificates: certificateArn ? [{ CertificateArn: certificateArn }] : undefined,
    SslPolicy: optStr(s, 'sslPolicy'),
  };
}

/** Adopts our listener for this logical id, or throws when another one holds the port. */
async function findExisting(desired: ResolvedResource, ctx: ApplyContext): Promise<Listener | undefined> {
  const listeners = await listListeners(ctx, str(desired.spec, 'loadBalancerArn'));
  const tags = await describeElbTags(
    ctx.clients.elbv2,
    listeners.map((l) => l.ListenerArn ?? ''),
  );
  const tagsOf = (l: Listener): Record<string, string> => tags.get(l.ListenerArn ?? '') ?? {};
  const ours = listeners.find(
    (l) =>
      isOwnedBy(tagsOf(l), ctx.project, ctx.stack) && tagsOf(l)[TAG_KEYS.logicalId] === desired.logicalId,
  );
  if (ours) return ours;
  const port = num(desired.spec, 'port');
  const holder = listeners.find((l) => l.Port === port);
  if (!holder) return undefined;
  const holderArn = holder.ListenerArn ?? '';
  if (isOwnedBy(tagsOf(holder), ctx.project, ctx.stack)) {
    throw new NotReadyError(
      `${desired.logicalId}: port ${port} is still held by ${tagsOf(holder)[TAG_KEYS.logicalId] ?? holderArn} of this stack`,
      PORT_BUSY_RETRY_MS,
    );
  }
  throw new OwnershipConflictError(desired.logicalId, holderArn, `a listener on port ${port}`);
}

function result(l: Listener | undefined): ApplyResult {
  const arn = l?.ListenerArn ?? '';
  return { physicalId: arn, outputs: { arn } };
}

/** The `elbv2.Listener` applier. */
export const elbv2ListenerApplier: Applier = {
  kind: 'elbv2.Listener',

  async create(desired, ctx) {
    const existing = await findExisting(desired, ctx);
    if (existing) return result(existing);
    const s = desired.spec;
    const certificateArn = optStr(s, 'certificateArn');
    if (certificateArn) await assertCertificateIssued(ctx, certificateArn, desired.logicalId);
    const res = await ctx.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: str(s, 'loadBalancerArn'),
        Port: num(s, 'port'),
        Protocol: str(s, 'protocol') as ProtocolEnum,
        ...tlsInput(s),
        DefaultActions: [toAction(obj(s, 'defaultAction'))],
        Tags: recordToTagList(desired.tags),
      }),
    );
    return result(res.Listeners?.[0]);
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx, 'update');
    const s = desired.spec;
    const input: ModifyListenerCommandInput = { ListenerArn: observed.physicalId };
    if (touches(deltas, 'port')) input.Port = num(s, 'port');
    if (touches(deltas, 'protocol', 'certificateArn', 'sslPolicy')) {
      const certificateArn = optStr(s, 'certificateArn');
      if (certificateArn) await assertCertificateIssued(ctx, certificateArn, desired.logicalId);
      Object.assign(input, { Protocol: str(s, 'protocol') as ProtocolEnum }, tlsInput(s));
    }
    if (touches(deltas, 'defaultAction')) input.DefaultActions = [toAction(obj(s, 'defaultAction'))];
    if (Object.keys(input).length > 1) await ctx.clients.elbv2.send(new ModifyListenerCommand(input));
    await syncElbTags(ctx.clients, observed.physicalId, desired.tags, observed.tags);
    return { physicalId: observed.physicalId, outputs: { arn: observed.physicalId } };
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx, 'delete');
    try {
      await ctx.clients.elbv2.send(new DeleteListenerCommand({ ListenerArn: observed.physicalId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};
