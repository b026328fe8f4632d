/**
 * Sprite background colours (`TileOut.Color`). MPS documents a keyword, `#rrggbb` and `random`,
 * default `black`, and accepts `Black` as well as `black`. ffmpeg gets an unambiguous `0xRRGGBB`
 * so a keyword can never be read differently by another ffmpeg build.
 */
import { describeValue } from './describe-value';
import { Errors } from './errors';

const KEYWORDS: Readonly<Record<string, number>> = {
  black: 0x000000,
  white: 0xffffff,
  gray: 0x808080,
  grey: 0x808080,
  silver: 0xc0c0c0,
  red: 0xff0000,
  maroon: 0x800000,
  orange: 0xffa500,
  yellow: 0xffff00,
  gold: 0xffd700,
  olive: 0x808000,
  lime: 0x00ff00,
  green: 0x008000,
  teal: 0x008080,
  cyan: 0x00ffff,
  aqua: 0x00ffff,
  blue: 0x0000ff,
  navy: 0x000080,
  purple: 0x800080,
  magenta: 0xff00ff,
  fuchsia: 0xff00ff,
  pink: 0xffc0cb,
  brown: 0xa52a2a,
};

export const COLOR_KEYWORDS: readonly string[] = Object.keys(KEYWORDS);

/** True for every colour `TileOut.Color` accepts. */
export function isValidColor(color: string): boolean {
  const c = color.trim().toLowerCase();
  return c === 'random' || /^#[0-9a-f]{6}$/.test(c) || c in KEYWORDS;
}

export function checkColor(name: string, color: string): void {
  if (!isValidColor(color)) {
    throw Errors.invalidParameter(
      name,
      `${describeValue(color)} is not a colour; use "random", "#rrggbb" or one of ${COLOR_KEYWORDS.join(', ')}.`,
    );
  }
}

/**
 * The ffmpeg colour for a background. `random` draws one colour per call from `random`
 * (a [0, 1) source passed in, so the core stays deterministic under test).
 */
export function resolveBackground(color: string, random: () => number): string {
  const c = color.trim().toLowerCase();
  let rgb: number;
  if (c === 'random') {
    rgb = Math.min(0xffffff, Math.max(0, Math.floor(random() * 0x1000000)));
  } else if (/^#[0-9a-f]{6}$/.test(c)) {
    rgb = parseInt(c.slice(1), 16);
  } else if (c in KEYWORDS) {
    rgb = KEYWORDS[c];
  } else {
    throw Errors.invalidParameter('SnapshotConfig.TileOut.Color', `${describeValue(color)} is not a colour.`);
  }
  return `0x${rgb.toString(16).padStart(6, '0')}`;
}
