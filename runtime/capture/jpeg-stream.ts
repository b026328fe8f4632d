/**
 * Splits what `-f image2pipe -c:v mjpeg` writes (JPGs back to back) into single pictures.
 * Header segments are skipped by their length fields; in the entropy-coded data after SOS every
 * 0xFF is stuffed (FF 00) or a restart marker, so the first FF D9 there ends the picture.
 */
export function splitJpegs(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start + 4 <= data.length && data[start] === 0xff && data[start + 1] === 0xd8) {
    const end = pictureEnd(data, start);
    if (end < 0) break;
    out.push(data.subarray(start, end));
    start = end;
  }
  return out;
}

function pictureEnd(data: Buffer, start: number): number {
  let i = start + 2;
  // Header segments: FF xx LL LL payload, until Start Of Scan.
  while (i + 4 <= data.length) {
    if (data[i] !== 0xff) return -1;
    const marker = data[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9) return i + 2;
    const len = data.readUInt16BE(i + 2);
    i += 2 + len;
    if (marker === 0xda) break;
  }
  for (; i < data.length - 1; i++) {
    if (data[i] === 0xff && data[i + 1] === 0xd9) return i + 2;
  }
  return -1;
}
