/**
 * Snapshot size in pixels (spec 3.3 `Width`/`Height`), from the size the video is displayed at
 * (rotation and pixel aspect already applied by the probe, so a portrait phone video stays portrait).
 *
 * - neither given: the display size;
 * - both given: exactly that size (the picture is stretched, as MPS does);
 * - one given: the other follows the display aspect ratio, rounded to the nearest pixel and
 *   clamped to [8, 4096]. No rounding to even: JPEG has no such constraint, and an exact aspect
 *   matters more for thumbnails laid side by side.
 */
import { Errors } from './errors';
import type { MediaInfo } from './model';

export const MIN_SIDE = 8;
export const MAX_SIDE = 4096;

export function resolveOutputSize(media: MediaInfo, width?: number, height?: number): { width: number; height: number } {
  if (width !== undefined && height !== undefined) return { width, height };
  if (!(media.width > 0 && media.height > 0)) {
    throw Errors.resourceContentBad('Input (the video stream has no picture size)');
  }
  if (width === undefined && height === undefined) return { width: media.width, height: media.height };
  if (width !== undefined) return { width, height: clamp(Math.round((width * media.height) / media.width)) };
  const h = height as number;
  return { width: clamp(Math.round((h * media.width) / media.height)), height: h };
}

function clamp(n: number): number {
  return Math.min(MAX_SIDE, Math.max(MIN_SIDE, n));
}
