/**
 * CSV writing for exports: RFC 4180 (comma separated, CRLF line ends, a field is quoted when it holds a comma,
 * a double quote, CR or LF, and a double quote inside is doubled), UTF-8, one header row.
 *
 * Formula neutralisation (so Excel, LibreOffice and Google Sheets do not run a cell as a formula):
 *
 *   EXPORT: a TEXT field that matches /^'*[=+\-@\t\r]/ — i.e. it begins with `=`, `+`, `-`, `@`, tab or carriage
 *           return, possibly after single quotes — gets ONE single quote `'` put in front of it.
 *   IMPORT: a field that matches /^'+[=+\-@\t\r]/ — one or more single quotes followed by one of those characters —
 *           loses ONE leading single quote (`restoreNeutralisedField` below). Nothing else is changed.
 *
 * Together the two are exact inverses for every string: `'=1+1` (a value that really begins with a quote) is
 * written as `''=1+1` and read back as `'=1+1`; `=1+1` is written as `'=1+1` and read back as `=1+1`; a value that
 * does not match is written and read unchanged. Numbers (e.g. a longitude of -73.98), booleans and dates are
 * written as such and never neutralised: a plain number is not a formula, and a quote would turn it into text.
 */

const needsNeutralising = /^'*[=+\-@\t\r]/
const wasNeutralised = /^'+[=+\-@\t\r]/
const needsQuotes = /[",\r\n]/

/** Text as a spreadsheet will not evaluate it (see the rule above). */
export function neutraliseFormula(value: string): string {
  return needsNeutralising.test(value) ? `'${value}` : value
}

/** The importer's half of the rule: undoes `neutraliseFormula` exactly and leaves any other value alone. */
export function restoreNeutralisedField(value: string): string {
  return wasNeutralised.test(value) ? value.slice(1) : value
}

export type CsvValue = string | number | boolean | Date | null | undefined

/** One field: text is neutralised and quoted when needed; null/undefined is an empty field. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return value.toISOString()
  const text = neutraliseFormula(value)
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One record with its CRLF line end. */
export function csvLine(values: readonly CsvValue[]): string {
  let line = ''
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ','
    line += csvField(values[i])
  }
  return `${line}\r\n`
}
