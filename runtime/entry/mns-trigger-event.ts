/**
 * Reads the job ids out of what the worker function is invoked with. Jobs reach the worker by
 * FC's asynchronous invocation (FcAsyncDispatcher), whose event is the body passed to
 * InvokeFunction: `{"jobId":"..."}`. The shapes of the MNS topic trigger the construct used
 * before are still read, so a job published to a topic by an older API function is not lost:
 * the JSON notification `{"TopicOwner","TopicName",...,"Message","PublishTime"}` whose `Message`
 * is `{"jobId":"..."}` (possibly Base64), STREAM format (the raw body), an EventBridge-style
 * `{"data":{...}}` wrapper and a batch (array).
 */
const JOB_ID = /^[a-f0-9]{32}$/;

export class TriggerEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriggerEventError';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function decodeMessage(message: string): unknown {
  const direct = parseJson(message);
  if (direct !== undefined) return direct;
  if (/^[A-Za-z0-9+/=\s]+$/.test(message)) return parseJson(Buffer.from(message, 'base64').toString('utf8'));
  return undefined;
}

function collect(value: unknown, out: string[], depth: number): void {
  if (depth > 4 || value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
    return;
  }
  if (typeof value === 'string') {
    collect(decodeMessage(value), out, depth + 1);
    return;
  }
  if (typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  const id = o.jobId ?? o.JobId;
  if (typeof id === 'string') {
    if (!JOB_ID.test(id)) throw new TriggerEventError(`job id "${id}" is not 32 lower-case hex characters`);
    out.push(id);
    return;
  }
  for (const key of ['Message', 'message', 'data', 'body']) {
    if (key in o) collect(o[key], out, depth + 1);
  }
}

export function jobIdsFromTriggerEvent(body: Buffer | string): string[] {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const ids: string[] = [];
  collect(decodeMessage(text.trim()), ids, 0);
  if (ids.length === 0) throw new TriggerEventError('the event carries no {"jobId": "..."} message');
  return [...new Set(ids)];
}
