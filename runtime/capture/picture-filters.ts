/**
 * The filter chain that turns a decoded frame into the picture a user expects:
 *
 * - rotation: ffmpeg auto-rotates decoded frames by the display matrix before our filters, so the
 *   chain already sees the display orientation (portrait stays portrait);
 * - pixel aspect: scaled to the display size computed by the probe, then `setsar=1`, so a JPG
 *   (square pixels in every viewer) looks as the video did;
 * - HDR: PQ and HLG are tone-mapped to SDR BT.709 (zscale to linear light, Mobius curve, back to
 *   BT.709), otherwise the thumbnail is grey and flat;
 * - size: `Width`/`Height` resolved by the core's rule, scaled with bicubic filtering.
 */
import { resolveOutputSize } from '../core/output-size';
import type { MediaInfo } from '../core/model';

/** mjpeg `-q:v`: 2 is best, 31 worst. 3 is visually lossless for thumbnails and ~30% smaller than 2. */
export const JPEG_QUALITY = 3;

const HDR_TRANSFERS = new Set(['smpte2084', 'arib-std-b67']);

export function isHdr(media: MediaInfo): boolean {
  return media.colorTransfer !== undefined && HDR_TRANSFERS.has(media.colorTransfer);
}

export function outputSize(media: MediaInfo, width?: number, height?: number): { width: number; height: number } {
  return resolveOutputSize(media, width, height);
}

/** Filters (comma-joined later) from a decoded, auto-rotated frame to the final picture. */
export function pictureFilters(media: MediaInfo, size: { width: number; height: number }): string[] {
  const f: string[] = [];
  if (isHdr(media)) {
    // Scale first (in the HDR domain): tone mapping then touches only the output pixels.
    f.push(`scale=${size.width}:${size.height}:flags=bicubic`, 'setsar=1');
    // Linear light with SDR white at 100 nits; Mobius keeps the SDR range linear and rolls off
    // only the highlights above it (Hable darkens HLG reference white to ~75%).
    f.push(
      'zscale=t=linear:npl=100',
      'format=gbrpf32le',
      'zscale=p=bt709',
      'tonemap=tonemap=mobius:desat=0',
      'zscale=t=bt709:m=bt709:r=tv',
      'format=yuv420p',
    );
  } else {
    f.push(`scale=${size.width}:${size.height}:flags=bicubic`, 'setsar=1');
  }
  return f;
}

/** Output options of a JPG stream on stdout. */
export function jpegOutputOptions(): string[] {
  return ['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', String(JPEG_QUALITY), '-pix_fmt', 'yuvj420p'];
}
