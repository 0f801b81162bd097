/**
 * A read memo for one pass: AWS clients whose `send` answers a request already made in the pass from
 * the first answer instead of calling again.
 *
 * observeStack starts a kind before the kinds it needs are done (observe-graph.ts) when its reads do not
 * depend on their outputs, then observes it again once they are: the second run makes the same requests
 * and gets the first run's answers, so the kind's calls overlap its parents' instead of following them,
 * and its result still comes from the complete outputs. A request the second run makes differently goes
 * to AWS. Keyed by client, command and canonical input; a failure is shared like an answer (the SDK has
 * retried already). Not for longer than a pass: AWS changes between passes.
 *
 * @module
 */

import type { AwsClients } from '../aws/types.js';
import { stableJson } from '../desired/render/canonical.js';

/** Something with the SDK clients' `send`. */
interface Sender {
  send(command: unknown, ...rest: unknown[]): Promise<unknown>;
}

function isSender(value: unknown): value is Sender {
  return typeof value === 'object' && value !== null && typeof (value as Sender).send === 'function';
}

/** A client answering repeated requests from `answers` (the real client otherwise, and for the rest). */
function memoClient<C extends Sender>(name: string, client: C, answers: Map<string, Promise<unknown>>): C {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: unknown, ...rest: unknown[]): Promise<unknown> => {
        const input = (command as { readonly input?: unknown }).input;
        const key = `${name} ${(command as object).constructor.name} ${stableJson(input ?? null)}`;
        let pending = answers.get(key);
        if (!pending) {
          pending = target.send(command, ...rest);
          answers.set(key, pending);
        }
        return pending;
      };
    },
  });
}

/**
 * `clients` with every SDK client wrapped so one request is sent once per memo: the pass's observers
 * share it. Fields that are not clients (region, retry budget) are passed through.
 */
export function withReadMemo(clients: AwsClients): AwsClients {
  const answers = new Map<string, Promise<unknown>>();
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(clients)) {
    out[name] = isSender(value) ? memoClient(name, value, answers) : value;
  }
  return out as unknown as AwsClients;
}
