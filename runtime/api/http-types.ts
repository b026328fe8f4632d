/**
 * The HTTP exchange as the API layer sees it: plain data, independent of Node's http module, so
 * the same handler serves the local server, the Function Compute entry and tests.
 */
import type { SnapshotError } from '../core/errors';

export interface ApiRequest {
  readonly method: string;
  /** The path without the query string, as sent (`/`). */
  readonly path: string;
  /** Everything after `?`, still percent-encoded; `''` when there is none. */
  readonly rawQuery: string;
  /** Lower-case header names; repeated headers joined with `, ` as Node does. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /**
   * Set when the request could not be read completely (body over the size limit). The handler
   * answers with this error, so it is rendered like every other one (format, RequestId).
   */
  readonly readError?: SnapshotError;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}
