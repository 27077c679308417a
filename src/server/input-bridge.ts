import { randomUUID } from 'node:crypto';
import {
  type InputRequiredResult,
  type LoggingMessageNotificationParams,
  ProtocolError,
  ProtocolErrorCode,
  type Result,
} from '@modelcontextprotocol/server';
import { type InputRequest, MAX_OPEN_INPUT_REQUESTS, TOO_MANY_INPUT_REQUESTS } from '../pipeline/call.ts';

/** `requestState` values minted by the hub start with this, which tells them from an upstream's own. */
const STATE_PREFIX = 'toolmesh.input.';

/** A call whose client never comes back with the input it was asked for is cancelled after this long. */
const ABANDON_MS = 10 * 60_000;

/** One downstream request the call is currently answering to: where its progress and logs go. */
export interface DownstreamLeg {
  readonly signal: AbortSignal;
  /** Relays one progress notification of the upstream call, in order; resolves once it is sent. */
  progress(progress: { progress: number; total?: number; message?: string }): Promise<void>;
  /** Relays a log message the upstream sent while serving the call. */
  log(params: LoggingMessageNotificationParams): void;
}

interface Asked {
  readonly request: InputRequest;
  resolve(result: Result): void;
  reject(error: Error): void;
}

/**
 * Bridges an upstream's requests for input (2025-era `sampling/createMessage`, `elicitation/create`,
 * `roots/list` pushed over its connection) to a 2026-era client as `input_required` results. (A 2025-era
 * client gets them pushed on its own connection instead: `pushInput`.)
 *
 * The hub's request handlers return what this yields: the upstream's result, or an `InputRequiredResult`
 * carrying the upstream's requests and a hub-minted `requestState`, while the upstream call stays open. The
 * client answers with a retry carrying `inputResponses` and that state; `resume` hands the answers to the
 * waiting upstream and yields again. Written here because the SDK bridges the other way only (it turns a
 * handler's `input_required` into pushes, not pushes into results).
 */
export class InputBridge {
  readonly #calls = new Map<string, BridgedCall>();

  /** True for a `requestState` this bridge minted (whether or not its call is still open). */
  owns(state: unknown): state is string {
    return typeof state === 'string' && state.startsWith(STATE_PREFIX);
  }

  /** Starts an upstream call for `leg` and yields its first outcome. */
  start(leg: DownstreamLeg, run: (call: BridgedCall) => Promise<Result>): Promise<Result> {
    const call = new BridgedCall(leg);
    call.begin(run);
    return this.#yield(call);
  }

  /** Continues the call `state` names with the client's answers; yields its next outcome. */
  resume(state: string, leg: DownstreamLeg, responses: Record<string, unknown> | undefined): Promise<Result> {
    const call = this.#calls.get(state);
    if (!call) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid or expired requestState', {
        reason: 'invalid_request_state',
      });
    }
    this.#calls.delete(state);
    call.answer(leg, responses ?? {});
    return this.#yield(call);
  }

  async #yield(call: BridgedCall): Promise<Result> {
    const outcome = await call.next();
    if ('result' in outcome) return outcome.result; // an upstream's own input_required passes as it is
    const state = `${STATE_PREFIX}${randomUUID()}`;
    this.#calls.set(state, call);
    call.expireIn(ABANDON_MS, () => this.#calls.delete(state));
    return { ...outcome.round, requestState: state };
  }
}

/** One upstream call in flight, which may pause while its client is asked for input. */
export class BridgedCall {
  readonly #controller = new AbortController();
  #leg: DownstreamLeg;
  #unlink: () => void = () => {};
  #progressSent: Promise<void> = Promise.resolve();
  #asked: Asked[] = [];
  readonly #waiting = new Map<string, Asked>();
  #done: { result: Result } | { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #expiry: NodeJS.Timeout | undefined;
  #keys = 0;

  constructor(leg: DownstreamLeg) {
    this.#leg = leg;
    this.#link(leg);
  }

  /** Aborted when the client cancels (or disconnects from) the request it is currently answering. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  begin(run: (call: BridgedCall) => Promise<Result>): void {
    run(this).then(
      (result) => this.#finish({ result }),
      (error: unknown) => this.#finish({ error }),
    );
  }

  /** Progress of the upstream call goes to whichever client request the call currently answers. */
  readonly onprogress = (progress: { progress: number; total?: number; message?: string }): void => {
    const leg = this.#leg;
    this.#progressSent = this.#progressSent.then(() => leg.progress(progress)).catch(() => {});
  };

  /** Log messages of the upstream call go to whichever client request the call currently answers. */
  readonly log = (params: LoggingMessageNotificationParams): void => this.#leg.log(params);

  /** The upstream asks for input: it is passed to the client with the next `input_required` result. */
  readonly ask = (request: InputRequest, signal: AbortSignal): Promise<Result> => {
    if (this.#asked.length + this.#waiting.size >= MAX_OPEN_INPUT_REQUESTS) {
      return Promise.reject(new Error(TOO_MANY_INPUT_REQUESTS));
    }
    return new Promise<Result>((resolve, reject) => {
      const asked: Asked = { request, resolve, reject };
      this.#asked.push(asked);
      signal.addEventListener('abort', () => reject(new Error('the server withdrew its request')), {
        once: true,
      });
      this.#wake?.();
    });
  };

  /** The next outcome: the upstream's result (after every progress it sent), or a round of input requests. */
  async next(): Promise<{ result: Result } | { round: InputRequiredResult }> {
    for (;;) {
      if (this.#asked.length > 0) {
        await new Promise(setImmediate); // requests the upstream sends together go out in one round
        return { round: this.#round() };
      }
      if (this.#done) {
        this.#unlink();
        await this.#progressSent;
        if ('result' in this.#done) return { result: this.#done.result };
        throw this.#done.error;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  #round(): InputRequiredResult {
    this.#unlink(); // the client's request ends here; the call continues under the request that answers
    const inputRequests: Record<string, InputRequest> = {};
    for (const asked of this.#asked.splice(0)) {
      const key = `input-${++this.#keys}`;
      this.#waiting.set(key, asked);
      inputRequests[key] = asked.request;
    }
    return { resultType: 'input_required', inputRequests } as InputRequiredResult;
  }

  /** The client came back: its answers go to the waiting upstream requests; `leg` is the request it used. */
  answer(leg: DownstreamLeg, responses: Record<string, unknown>): void {
    clearTimeout(this.#expiry);
    this.#leg = leg;
    this.#link(leg);
    for (const [key, asked] of this.#waiting) {
      const response = responses[key];
      if (response && typeof response === 'object') asked.resolve(response as Result);
      else asked.reject(new Error(`the client gave no answer for ${asked.request.method}`));
    }
    this.#waiting.clear();
  }

  expireIn(ms: number, onExpired: () => void): void {
    this.#expiry = setTimeout(() => {
      onExpired();
      this.#controller.abort(new Error('the client did not come back with the requested input'));
    }, ms);
    this.#expiry.unref();
  }

  #link(leg: DownstreamLeg): void {
    const abort = () => this.#controller.abort(leg.signal.reason);
    if (leg.signal.aborted) abort();
    leg.signal.addEventListener('abort', abort, { once: true });
    this.#unlink = () => leg.signal.removeEventListener('abort', abort);
  }

  #finish(done: { result: Result } | { error: unknown }): void {
    this.#done = done;
    this.#wake?.();
  }
}
