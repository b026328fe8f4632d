/**
 * Every failure the service can report, in one place.
 *
 * MPS clients branch on `Code`, so codes and HTTP statuses follow spec section 0 and 7 exactly;
 * handlers throw these values and the API layer renders them. Nothing else builds an error body.
 */
import { describeValue } from './describe-value';

export class SnapshotError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export function isSnapshotError(e: unknown): e is SnapshotError {
  return e instanceof SnapshotError;
}

/**
 * The string to sign is echoed so a client can compare it with its own, but it grows with the
 * request: a 256 KB request must not be answered with a megabyte. Mismatches show in the start.
 */
export const MAX_ECHOED_STRING_TO_SIGN = 2048;

function clipEcho(text: string): string {
  return text.length <= MAX_ECHOED_STRING_TO_SIGN ? text : `${text.slice(0, MAX_ECHOED_STRING_TO_SIGN)}... (${text.length} characters in all)`;
}

/** A request refused because the service is at capacity; the caller may retry after `retryAfterMs`. */
export class ThrottlingError extends SnapshotError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super('Throttling', message, 400);
  }
}

const e = (code: string, status: number) => (message: string) => new SnapshotError(code, message, status);

export const Errors = {
  // ---- gateway (spec 7.2) ----
  missingParameter: (name: string) =>
    e('MissingParameter', 400)(`The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  illegalTimestamp: () =>
    e('IllegalTimestamp', 400)('The input parameter "Timestamp" that is mandatory for processing this request is not supplied.'),
  timestampFormat: (value: string) =>
    e('InvalidTimeStamp.Format', 400)(`Specified time stamp or date value is not well formatted: ${describeValue(value)}.`),
  timestampExpired: (value: string) =>
    e('InvalidTimeStamp.Expired', 400)(`Specified time stamp or date value is expired: ${describeValue(value)} is more than 15 minutes from the server time.`),
  signatureNonceUsed: () => e('SignatureNonceUsed', 400)('Specified signature nonce was used already.'),
  incompleteSignature: (detail: string) =>
    e('IncompleteSignature', 400)(`The request signature does not conform to Aliyun standards. ${detail}`),
  invalidSignatureMethod: (method: string) =>
    e('InvalidSignatureMethod', 400)(`Specified signature method is not valid: ${describeValue(method)}.`),
  signatureDoesNotMatch: (stringToSign: string) =>
    e('SignatureDoesNotMatch', 400)(`Specified signature is not matched with our calculation. server string to sign is:${clipEcho(stringToSign)}`),
  invalidAccessKeyIdNotFound: () => e('InvalidAccessKeyId.NotFound', 404)('Specified access key is not found.'),
  invalidSecurityToken: () => e('InvalidSecurityToken.Mismatch', 400)('Specified security token does not match the access key.'),
  apiNotFound: (action: string) =>
    e('InvalidApi.NotFound', 404)(`Specified api ${describeValue(action)} is not found, please check your url and method.`),
  unsupportedVersion: (version: string) =>
    e('InvalidVersion', 400)(`Specified version ${describeValue(version)} is not supported; this service implements 2014-06-18.`),
  throttling: () => e('Throttling.User', 400)('Request was denied due to user flow control.'),
  hostNotAllowed: (host: string, expected: string) =>
    e('Forbidden.Host', 403)(`The Host header ${describeValue(host)} is not an address of this endpoint; use ${expected}.`),
  /** The gateway's `Throttling` (spec 7.2): SDKs turn any code containing it into a ThrottlingError. */
  throttled: (why: string, retryAfterMs: number) =>
    new ThrottlingError(`Request was denied due to request throttling: ${why}; retry after ${retryAfterMs} ms.`, retryAfterMs),

  // ---- parameters (spec 7.3) ----
  invalidParameter: (name: string, why: string) => e('InvalidParameter', 400)(`The specified parameter "${name}" is invalid: ${why}`),
  jsonObjectFormatInvalid: (name: string) =>
    e('InvalidParameter.JsonObjectFormatInvalid', 400)(`The parameter "${name}" does not conform to the JSON Object specification.`),
  nullValue: (name: string) => e('InvalidParameter.NullValue', 400)(`The parameter "${name}" must be given a value.`),
  emptyValue: (name: string) => e('InvalidParameter.EmptyValue', 400)(`The parameter "${name}" must not be empty.`),
  outOfRange: (name: string, why: string) => e('InvalidParameter.OutOfRange', 400)(`The parameter "${name}" is out of range: ${why}`),
  formatInvalid: (name: string, why: string) => e('InvalidParameter.Format', 400)(`The parameter "${name}" is not well formatted: ${why}`),
  numberFormatInvalid: (name: string, value: unknown) =>
    e('InvalidParameter.NumberFormatInvalid', 400)(`The parameter "${name}" must be an integer, got ${describeValue(value)}.`),
  notSupported: (name: string, why: string) => e('InvalidParameter.NotSupported', 400)(`The parameter "${name}" is not supported: ${why}`),
  uuidFormatInvalid: (name: string, value: string) =>
    e('InvalidParameter.UUIDFormatInvalid', 400)(`The parameter "${name}" must be 32 characters of [a-f0-9], got ${describeValue(value)}.`),
  bucketNameInvalid: (name: string, value: string) =>
    e('InvalidParameter.BucketNameInvalid', 400)(
      `The parameter "${name}" is not a valid OSS bucket name: ${describeValue(value)} (3-63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit).`,
    ),
  locationInvalid: (name: string, value: string, expected: string) =>
    e('InvalidParameter.LocationInvalid', 400)(`The parameter "${name}" must be "${expected}" (the region of this endpoint), got ${describeValue(value)}.`),
  objectKeyInvalid: (name: string, why: string) => e('InvalidParameter.ObjectKeyInvalid', 400)(`The parameter "${name}" is not a valid object key: ${why}`),
  resourceNotFound: (what: string) => e('InvalidParameter.ResourceNotFound', 404)(`The resource operated "${what}" cannot be found.`),
  resourceContentBad: (what: string) => e('InvalidParameter.ResourceContentBad', 400)(`The resource operated "${what}" is bad.`),
  timeArray: (why: string) => e('InvalidParameter.TimeArray', 400)(why),

  // ---- execution (spec 7.3) ----
  snapshotTimeOut: (limitMs: number) => e('SnapshotTimeOut', 504)(`Snapshot times out: the synchronous snapshot did not finish within ${limitMs} ms; submit it asynchronously (set Num=1) instead.`),
  permissionDenied: (resource: string) =>
    e('PermissionDenied.ResourceAccess', 403)(`MTS not authorized to operate on the specified resource "${resource}".`),
  transientNetwork: () =>
    e('TransientNetWorkError', 503)('Snapshot fail,transient network error occurs, please retry again!'),
  internal: (detail?: string) =>
    e('InternalError', 500)(
      `The request processing has failed due to some unknown error, exception or failure.${detail ? ` (${detail})` : ''}`,
    ),
  quotaExceeded: (what: string) => e('PermissionDenied.ResourceQuotaExceed', 403)(`The quota is used up: ${what}`),
  serviceUnavailable: (why: string) => e('ServiceUnavailable', 503)(`The request has failed due to a temporary failure of the server: ${why}`),
} as const;
