import { normaliseEmail } from '../common/email.js';
import { emailParametersMissing, invalidEmailAddress, invalidEmailFormat } from '../errors.js';

/** A send_email request once its parameters are read (contract §3.3). */
export interface EmailRequest {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly format: 'text' | 'htm';
}

export interface EmailParams {
  to?: string;
  subject?: string;
  message?: string;
  format?: string;
}

export function parseEmailRequest(params: EmailParams): EmailRequest {
  const { to, subject, message, format } = params;
  if (!to?.trim() || !subject?.trim() || !message || !format?.trim()) throw emailParametersMissing();
  const address = normaliseEmail(to);
  if (!address) throw invalidEmailAddress('to');
  const kind = format.trim().toLowerCase();
  if (kind !== 'text' && kind !== 'htm' && kind !== 'html') throw invalidEmailFormat();
  return { to: address, subject: subject.trim(), body: message, format: kind === 'text' ? 'text' : 'htm' };
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
  ecirc: 'ê',
  laquo: '«',
  raquo: '»',
};

/**
 * The plain-text alternative of an HTML email: block elements become line breaks, links keep their
 * address, scripts and styles vanish, entities are decoded. Good enough for a reader whose client
 * shows text only; not a layout engine.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(
      /<a\b[^>]*\bhref\s*=\s*["']([^"']*)["'][^>]*>([\s\S]*?)<\/a\s*>/gi,
      (_m, href: string, label: string) =>
        label.replace(/<[^>]*>/g, '').trim() === href ? href : `${label} (${href})`,
    )
    // A source line break right after <br> is whitespace in HTML, not a second break.
    .replace(/<br\s*\/?>[ \t]*(\r?\n)?/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/?(p|div|h[1-6]|ul|ol|table|tr|blockquote|section|article|header|footer)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => decodeEntity(entity) ?? match)
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n');
  return text.trim();
}

function decodeEntity(entity: string): string | undefined {
  if (entity[0] === '#') {
    const code =
      entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return ENTITIES[entity];
}
