/**
 * The XML form of a response body, as the legacy RPC gateway writes it: one element per key,
 * and a list under key `K` as repeated `<K>` elements inside its wrapper (so
 * `{SnapshotJobList:{SnapshotJob:[a,b]}}` becomes `<SnapshotJobList><SnapshotJob>a</SnapshotJob>
 * <SnapshotJob>b</SnapshotJob></SnapshotJobList>`).
 */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function renderXml(rootName: string, body: Record<string, unknown>): string {
  return `${XML_DECLARATION}<${rootName}>${renderMembers(body)}</${rootName}>`;
}

function renderMembers(obj: Record<string, unknown>): string {
  return Object.entries(obj)
    .map(([key, value]) => renderElement(key, value))
    .join('');
}

function renderElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => renderElement(name, item)).join('');
  if (typeof value === 'object') return `<${name}>${renderMembers(value as Record<string, unknown>)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * Escapes markup characters. Characters XML 1.0 cannot carry at all, even as references (most
 * C0 controls, lone surrogates, U+FFFE/U+FFFF), become U+FFFD; the JSON form keeps them exactly.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
