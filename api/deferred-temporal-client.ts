import type { Client, WorkflowHandle } from '@temporalio/client';
import { ProblemError } from './problem';

/** The workflow client's calls that answer a promise: the only ones that can wait for the client. */
const ASYNC_WORKFLOW_CALLS = new Set(['start', 'execute', 'result', 'signalWithStart', 'startUpdateWithStart', 'executeUpdateWithStart', 'count']);
/** The same for a workflow handle. */
const ASYNC_HANDLE_CALLS = new Set(['describe', 'query', 'queryWithOptions', 'signal', 'cancel', 'terminate', 'result', 'fetchHistory', 'executeUpdate', 'startUpdate']);

const RETRY_AFTER_SECONDS = 30;

/**
 * A Temporal `Client` the app can be built with before its settings are known: `connect` runs
 * on the first Temporal call, not at start, so routes that never call Temporal (health, docs,
 * the portal, record reads) never wait on it nor fail with it. While `connect` fails (say, the
 * secrets are not filled yet) each Temporal call answers a 503 problem, and the next call tries
 * again, so a secret filled later is used without a new container.
 *
 * Until connected, the calls that answer a promise wait for the client; `getHandle` answers a
 * handle whose promise-answering calls do the same. Anything else read before then (a
 * synchronous property such as `workflow.options`) answers the 503 too, and starts the
 * connection for the next call.
 */
export function deferredTemporalClient(connect: () => Promise<Client>): Client {
  let client: Client | undefined;
  let connecting: Promise<Client> | undefined;

  const connected = (): Promise<Client> =>
    (connecting ??= connect().then(
      (made) => (client = made),
      (err: unknown) => {
        connecting = undefined;
        throw unavailable(err);
      },
    ));
  const notYet = (): never => {
    // The caller gets the 503 either way; an early connection failure surfaces on the next call.
    connected().catch(() => undefined);
    throw unavailable(undefined);
  };

  const handleFor = (args: Parameters<Client['workflow']['getHandle']>): WorkflowHandle => {
    const [workflowId, runId] = args;
    return new Proxy({} as WorkflowHandle, {
      get(_, name: string | symbol) {
        if (client) return bound(client.workflow.getHandle(...args), name);
        if (typeof name === 'symbol' || name === 'then') return undefined;
        if (name === 'workflowId') return workflowId;
        if (name === 'runId') return runId;
        if (typeof name === 'string' && ASYNC_HANDLE_CALLS.has(name)) {
          return async (...callArgs: unknown[]) => {
            const handle = (await connected()).workflow.getHandle(...args) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
            return handle[name]!(...callArgs);
          };
        }
        return notYet();
      },
    });
  };

  const workflow = new Proxy({} as Client['workflow'], {
    get(_, name: string | symbol) {
      if (client) return bound(client.workflow, name);
      if (typeof name === 'symbol' || name === 'then') return undefined;
      if (name === 'getHandle') return (...args: Parameters<Client['workflow']['getHandle']>) => handleFor(args);
      if (typeof name === 'string' && ASYNC_WORKFLOW_CALLS.has(name)) {
        return async (...callArgs: unknown[]) => {
          const calls = (await connected()).workflow as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
          return calls[name]!(...callArgs);
        };
      }
      return notYet();
    },
  });

  return new Proxy({} as Client, {
    get(_, name: string | symbol) {
      if (client) return bound(client, name);
      if (name === 'workflow') return workflow;
      // Promise resolution probes `then`, and inspection symbols: none of them is the client's API.
      if (typeof name === 'symbol' || name === 'then') return undefined;
      return notYet();
    },
  });
}

/** A property of the real object, its methods bound to it (they use `this`). */
function bound(target: object, name: string | symbol): unknown {
  const value: unknown = Reflect.get(target, name);
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

function unavailable(cause: unknown): ProblemError {
  return new ProblemError(503, 'temporal-unavailable', 'Analysis service unavailable', 'the analysis service cannot be reached yet; try again later', {
    ...(cause === undefined ? {} : { cause }),
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });
}
