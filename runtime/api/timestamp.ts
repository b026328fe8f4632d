/**
 * The request time both signature versions carry (`Timestamp` in V1, `x-acs-date` in V3):
 * UTC ISO 8601 `YYYY-MM-DDThh:mm:ssZ`. Fractional seconds are tolerated; offsets other than `Z`
 * are not, as the gateway documents UTC only.
 */
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/** Milliseconds since the epoch, or undefined when the text is not such a timestamp. */
export function parseAcsTimestamp(value: string): number | undefined {
  const m = PATTERN.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-31 over into March; a real calendar date must round-trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return ms + (m[7] ? Math.floor(Number(m[7]) * 1000) : 0);
}
