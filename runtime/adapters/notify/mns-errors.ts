/**
 * Failures of the message channel, in MNS's own vocabulary (`QueueNotExist`, `MessageNotExist`...).
 * They are not API errors: the service records their code and message in a job's
 * `MNSMessageResult` (as MPS does with what MNS answered), and the MNS protocol server renders
 * them as MNS error XML.
 */
export class MnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = 'MnsError';
  }
}

export function isMnsError(e: unknown): e is MnsError {
  return e instanceof MnsError;
}

const e = (code: string, status: number) => (message: string) => new MnsError(code, message, status);

export const MnsErrors = {
  queueNotExist: (queue: string) => e('QueueNotExist', 404)(`The queue "${queue}" does not exist.`),
  topicNotExist: (topic: string) => e('TopicNotExist', 404)(`The topic "${topic}" does not exist.`),
  messageNotExist: () => e('MessageNotExist', 404)('Message not exist.'),
  receiptHandleError: (handle: string) => e('ReceiptHandleError', 400)(`The receipt handle "${handle}" is not valid.`),
  invalidArgument: (why: string) => e('InvalidArgument', 400)(`The value of an argument is invalid: ${why}`),
  malformedXml: (why: string) => e('MalformedXML', 400)(`The XML you provided was not well-formed: ${why}`),
  accessDenied: (why: string) => e('AccessDenied', 403)(`The access is denied: ${why}`),
  invalidAccessKeyId: () => e('InvalidAccessKeyId', 403)('The access key id you provided does not exist in our records.'),
  signatureDoesNotMatch: (stringToSign: string) =>
    e('SignatureDoesNotMatch', 403)(`The request signature we calculated does not match the signature you provided. String to sign: ${JSON.stringify(stringToSign)}`),
  timeExpired: (date: string) => e('TimeExpired', 403)(`The http request you sent is expired: Date "${date}" is more than 15 minutes from the server time.`),
  notFound: (what: string) => e('NotFound', 404)(`The resource "${what}" does not exist on this server.`),
  unavailable: (why: string) => e('ServiceUnavailable', 503)(`The message service is unavailable: ${why}`),
  /** No answer from MNS at all (connection refused, reset, timed out). */
  network: (why: string) => e('NetworkError', 503)(`Could not reach the message service: ${why}`),
} as const;
