/**
 * Turns an ffmpeg/ffprobe failure into the MPS error a client can act on, from its stderr.
 * Network trouble is retryable (TransientNetWorkError); a file ffmpeg cannot read as video is the
 * caller's problem (ResourceContentBad); anything else is ours (InternalError, with the reason).
 */
import { Errors, SnapshotError } from '../core/errors';

export function ffmpegFailure(stderr: string, what = 'InputFile'): SnapshotError {
  const text = stderr.slice(-4000);
  if (/Server returned 404|No such file or directory/i.test(text)) return Errors.resourceNotFound(what);
  if (/Server returned 403|Server returned 401/i.test(text)) return Errors.permissionDenied(what);
  if (/Connection refused|Connection timed out|Connection reset|timed out|Network is unreachable|Server returned 5\d\d|End of file while|Failed to resolve hostname/i.test(text)) {
    return Errors.transientNetwork();
  }
  if (
    /Invalid data found|moov atom not found|could not find codec parameters|does not contain any stream|Output file #0 does not contain|Invalid NAL|no frame!|Error while decoding|Stream map .* matches no streams|Unknown format|unspecified size/i.test(
      text,
    )
  ) {
    return Errors.resourceContentBad(what);
  }
  const last = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-1)[0] ?? 'no output';
  return Errors.internal(`ffmpeg failed: ${last}`);
}
