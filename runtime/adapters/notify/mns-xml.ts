/**
 * The little XML that the MNS protocol needs: flat elements in the
 * `http://mns.aliyuncs.com/doc/v1/` namespace. Requests carry one level of simple elements, so a
 * full XML parser is not needed (and none is a direct dependency).
 */
import { MnsErrors } from './mns-errors';
export const MNS_XMLNS = 'http://mns.aliyuncs.com/doc/v1/';

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_m, entity: string) => {
    switch (entity) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const code = entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        // XML allows characters only: no surrogate halves, nothing past U+10FFFF.
        if (!(code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw MnsErrors.malformedXml(`"&${entity.slice(0, 20)};" is not a character reference`);
        return String.fromCodePoint(code);
      }
    }
  });
}

/** `<Root xmlns=...><A>1</A><B>x</B></Root>` */
export function renderXml(root: string, fields: Record<string, string | number | undefined>): string {
  const inner = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${MNS_XMLNS}">${inner}</${root}>`;
}

/** `<Root><Item>...</Item><Item>...</Item></Root>` */
export function renderXmlList(root: string, item: string, items: Record<string, string | number | undefined>[]): string {
  const inner = items
    .map((fields) => renderXml(item, fields).replace(/^<\?xml[^>]*\?>/, '').replace(` xmlns="${MNS_XMLNS}"`, ''))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${MNS_XMLNS}">${inner}</${root}>`;
}

/** The name of the document element, e.g. `Message`. */
export function rootElement(xml: string): string | undefined {
  return /^\s*(?:<\?xml[^>]*\?>\s*)?<([A-Za-z][\w.-]*)[\s>/]/.exec(xml)?.[1];
}

/** The text of the first `<name>` element (entities and CDATA resolved), or undefined. */
export function elementText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>|<${name}(?:\\s[^>]*)?/>`).exec(xml);
  if (!match) return undefined;
  const raw = match[1] ?? '';
  return raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g, (_m, cdata: string | undefined, text: string | undefined) =>
    cdata !== undefined ? cdata : unescapeXml(text ?? ''),
  );
}
