/** A piece of HTML that is already safe: html`` never escapes it again. */
export class Html {
  constructor (readonly value: string) {}
  toString (): string { return this.value }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for an HTML body or a quoted attribute. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string)
}

function render (value: unknown): string {
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === undefined || value === null || value === false) return ''
  return escapeHtml(String(value))
}

/** Tagged template: every interpolated value is escaped unless it is Html (or a list of Html). */
export function html (strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''))
}
