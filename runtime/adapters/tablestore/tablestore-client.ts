/**
 * The official `tablestore` SDK behind a small typed, promise-based surface, with the retry policy
 * the stores rely on.
 *
 * The SDK's own retries are switched off (`maxRetries: 0`): its policy is process-global, waits up
 * to 3 s per attempt for 20 attempts, and never retries writes. Here every call is retried with
 * jittered exponential back-off when Tablestore says it did not run the request (throttling, server
 * busy, partition moving) and, when the outcome is unknown (timeout, internal error, network
 * failure), still retried: conditional writes make that safe, and `TablestoreError.afterUnknownOutcome`
 * tells the caller that a condition failure on the retry may be its own earlier write.
 *
 * SDK 5.6.5 answers an error response with `code` set to the HTTP status and the protobuf `Error`
 * body (code, message) as text in `message` (it tries an XML parser it does not ship); the OTS
 * error code is read back from there.
 */
import type { Int64LE, SdkRow, TablestoreModule } from './tablestore-types';

// The SDK has no type declarations; `tablestore-types.ts` describes the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TableStore = require('tablestore') as TablestoreModule;

export { TableStore };

export interface TablestoreCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface TablestoreConnectionOptions extends TablestoreCredentials {
  /** `https://<instance>.<region>.ots.aliyuncs.com` (or the VPC endpoint). */
  readonly endpoint: string;
  readonly instanceName: string;
  /** Called before each request for fresh STS credentials (Function Compute rotates them). */
  readonly refreshCredentials?: () => TablestoreCredentials;
  /** Attempts per call, the first included. @default 6 */
  readonly maxAttempts?: number;
  /** First back-off, ms; doubles per attempt up to `maxDelayMs`, with jitter. @default 100 */
  readonly baseDelayMs?: number;
  /** @default 2000 */
  readonly maxDelayMs?: number;
  /** How back-off waits (tests pass one that records instead of sleeping). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Socket timeout per request, ms. @default 10000 */
  readonly timeoutMs?: number;
}

/** A Tablestore error with its OTS code (`OTSConditionCheckFail`, `OTSServerBusy`, ...). */
export class TablestoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    /** An earlier attempt of the same call ended with an unknown outcome (it may have been applied). */
    readonly afterUnknownOutcome = false,
  ) {
    super(`${code}: ${message}`);
    this.name = 'TablestoreError';
  }
}

/** Tablestore did not run the request: always safe to retry. */
const NOT_EXECUTED = new Set([
  'OTSServerBusy',
  'OTSOperationThrottled',
  'OTSNotEnoughCapacityUnit',
  'OTSQuotaExhausted',
  'OTSRowOperationConflict',
  'OTSPartitionUnavailable',
  'OTSServerUnavailable',
  'OTSTableNotReady',
]);
/** The request may or may not have run. */
const UNKNOWN_OUTCOME = new Set(['OTSTimeout', 'OTSInternalServerError', 'NetworkingError', 'TimeoutError', 'ECONNRESET', 'HTTP500', 'HTTP502', 'HTTP503']);

export function isRetryable(code: string): boolean {
  return NOT_EXECUTED.has(code) || UNKNOWN_OUTCOME.has(code);
}

export function toTablestoreError(err: unknown): TablestoreError {
  if (err instanceof TablestoreError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.code === 'number') {
    const ots = /(OTS[A-Za-z]+)/.exec(message)?.[1];
    // The protobuf Error body as text: drop its framing bytes, keep the readable message.
    const readable = message.replace(/[\x00-\x1f]+/g, ' ').replace(/\s+requestId:.*$/, '').trim();
    return new TablestoreError(ots ?? `HTTP${e.code}`, readable.replace(ots ?? '', '').trim() || message, e.code);
  }
  return new TablestoreError(typeof e?.code === 'string' ? e.code : 'NetworkingError', message);
}

export type TablestoreOperation = 'getRow' | 'putRow' | 'getRange' | 'batchGetRow';

export class TablestoreConnection {
  private readonly client: { [op: string]: (params: unknown, cb: (err: unknown, data: unknown) => void) => void } & { config: Record<string, unknown> };
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: TablestoreConnectionOptions) {
    this.client = new TableStore.Client({
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.accessKeySecret,
      stsToken: options.securityToken,
      endpoint: options.endpoint,
      instancename: options.instanceName,
      maxRetries: 0,
      httpOptions: { timeout: options.timeoutMs ?? 10_000 },
    }) as never;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async call<T>(op: TablestoreOperation, params: unknown): Promise<T> {
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(op, params);
      } catch (err) {
        const e = toTablestoreError(err);
        if (!isRetryable(e.code) || attempt >= this.maxAttempts) throw ambiguous ? new TablestoreError(e.code, e.message, e.status, true) : e;
        if (UNKNOWN_OUTCOME.has(e.code)) ambiguous = true;
        await this.backOff(attempt);
      }
    }
  }

  /** Attempts a caller may make of something Tablestore can refuse part of (rows of a batch). */
  get attempts(): number {
    return this.maxAttempts;
  }

  /** Waits before attempt `attempt + 1`: jittered, doubling from `baseDelayMs` up to `maxDelayMs`. */
  backOff(attempt: number): Promise<void> {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return this.sleep(cap / 2 + (Math.random() * cap) / 2);
  }

  private once<T>(op: TablestoreOperation, params: unknown): Promise<T> {
    const fresh = this.options.refreshCredentials?.();
    if (fresh) {
      // Read by the SDK's signer on every request (Config.getCredentials).
      this.client.config.accessKeyId = fresh.accessKeyId;
      this.client.config.secretAccessKey = fresh.accessKeySecret;
      this.client.config.stsToken = fresh.securityToken ?? null;
    }
    return new Promise<T>((resolve, reject) => {
      this.client[op](params, (err, data) => (err ? reject(err) : resolve(data as T)));
    });
  }
}

/** Integer cells and key parts: Tablestore integers are 64-bit; a JS number would be sent as a double. */
export function int(n: number): Int64LE {
  return TableStore.Long.fromNumber(n);
}

/** A row's attribute columns by name (the latest version of each). */
export function columnsOf(row: SdkRow | undefined): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const a of row?.attributes ?? []) if (!m.has(a.columnName)) m.set(a.columnName, a.columnValue);
  return m;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as Int64LE).toNumber === 'function') return (v as Int64LE).toNumber();
  return Number.NaN;
}
