/**
 * Streaming CSV reading for imports (RFC 4180 plus what spreadsheets write): quoted fields with "" escapes,
 * embedded newlines, CRLF/LF/CR line ends, a UTF-8 BOM, and a hard limit on the length of one record so a
 * 50 MB line is rejected while streaming instead of filling memory. Pure: no I/O.
 */

export type CsvRecord = { line: number; fields: string[] }

export class CsvError extends Error {
  constructor(
    readonly code: 'line_too_long' | 'not_csv' | 'unterminated_quote',
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

export const maxRecordChars = 1024 * 1024

/**
 * Incremental parser: `push` decoded text as it arrives, get back the complete records; `end` flushes the
 * last one. Blank lines are skipped; `line` is the 1-based file line where the record starts.
 */
export class CsvParser {
  private field = ''
  private fields: string[] = []
  private inQuotes = false
  private quoteClosed = false
  private pendingCr = false
  private line = 1
  private recordLine = 1
  private recordChars = 0
  private started = false
  private first = true

  constructor(
    private readonly delimiter: string,
    private readonly maxChars = maxRecordChars,
  ) {}

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = []
    let input = text
    if (this.first && input.length > 0) {
      this.first = false
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1)
    }
    const delimiter = this.delimiter
    let i = 0
    const n = input.length
    while (i < n) {
      if (this.pendingCr) {
        this.pendingCr = false
        if (input[i] === '\n') {
          i++
          continue
        }
      }
      if (this.inQuotes) {
        // Copy the run of ordinary characters up to the next quote in one slice.
        const quote = input.indexOf('"', i)
        const end = quote === -1 ? n : quote
        if (end > i) {
          const chunk = input.slice(i, end)
          this.count(chunk.length)
          for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === 10) this.line++
          this.field += chunk
          i = end
          continue
        }
        // A quote: either an escaped quote ("") or the end of the quoted part.
        if (i + 1 >= n) {
          // Cannot tell yet; keep the quote for the next chunk.
          this.inQuotes = false
          this.quoteClosed = true
          i++
          continue
        }
        if (input[i + 1] === '"') {
          this.field += '"'
          this.count(1)
          i += 2
          continue
        }
        this.inQuotes = false
        this.quoteClosed = true
        i++
        continue
      }
      const ch = input[i]
      if (this.quoteClosed && ch === '"') {
        // "" split across chunks, or "a""b": an escaped quote, back inside the quotes.
        this.field += '"'
        this.count(1)
        this.inQuotes = true
        this.quoteClosed = false
        i++
        continue
      }
      if (ch === delimiter) {
        this.fields.push(this.field)
        this.field = ''
        this.quoteClosed = false
        this.started = true
        this.count(1)
        i++
        continue
      }
      if (ch === '\n' || ch === '\r') {
        if (ch === '\r') this.pendingCr = true
        this.endRecord(out)
        this.line++
        this.recordLine = this.line
        i++
        continue
      }
      if (ch === '"' && this.field === '' && !this.quoteClosed) {
        this.inQuotes = true
        this.started = true
        i++
        continue
      }
      // Ordinary run up to the next special character.
      let j = i + 1
      while (j < n) {
        const c = input[j]
        if (c === delimiter || c === '\n' || c === '\r' || c === '"') break
        j++
      }
      this.field += input.slice(i, j)
      this.started = true
      this.count(j - i)
      i = j
    }
    return out
  }

  end(): CsvRecord[] {
    if (this.inQuotes) {
      throw new CsvError(
        'unterminated_quote',
        this.recordLine,
        `Line ${this.recordLine}: a quoted field is never closed.`,
      )
    }
    const out: CsvRecord[] = []
    this.endRecord(out)
    return out
  }

  private count(chars: number): void {
    this.recordChars += chars
    if (this.recordChars > this.maxChars) {
      throw new CsvError(
        'line_too_long',
        this.recordLine,
        `Line ${this.recordLine} is longer than ${Math.round(this.maxChars / 1024)} KiB; is this a CSV file?`,
      )
    }
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.started || this.field !== '') {
      this.fields.push(this.field)
      out.push({ line: this.recordLine, fields: this.fields })
    }
    this.fields = []
    this.field = ''
    this.started = false
    this.quoteClosed = false
    this.recordChars = 0
  }
}

/** Parses a whole (small) text; for samples and tests. */
export function parseCsvText(text: string, delimiter: string, maxChars = maxRecordChars): CsvRecord[] {
  const parser = new CsvParser(delimiter, maxChars)
  return [...parser.push(text), ...parser.end()]
}

export const delimiterCandidates = [',', ';', '\t', '|'] as const

/** The delimiter that splits the sample's lines into the same number (≥ 2) of fields most consistently. */
export function detectDelimiter(sample: string): string {
  let best: { delimiter: string; score: number } = { delimiter: ',', score: -1 }
  for (const delimiter of delimiterCandidates) {
    let records: CsvRecord[]
    try {
      const parser = new CsvParser(delimiter)
      records = parser.push(sample).slice(0, 50)
    } catch {
      continue
    }
    if (records.length === 0) continue
    const counts = new Map<number, number>()
    for (const record of records) counts.set(record.fields.length, (counts.get(record.fields.length) ?? 0) + 1)
    let modeWidth = 1
    let modeCount = 0
    for (const [width, count] of counts) {
      if (count > modeCount || (count === modeCount && width > modeWidth)) {
        modeWidth = width
        modeCount = count
      }
    }
    if (modeWidth < 2) continue
    const score = (modeCount / records.length) * 1000 + modeWidth
    if (score > best.score) best = { delimiter, score }
  }
  return best.delimiter
}

const dataLike = /^\s*(?:[-+]?\d+(?:[.,]\d+)?|\d{4}-\d{2}-\d{2}.*|[^@\s]+@[^@\s]+|true|false)\s*$/i

/** A first row is a header when its cells are non-empty, distinct and none looks like data (numbers, dates, e-mails). */
export function looksLikeHeader(first: string[]): boolean {
  const names = first.map((cell) => cell.trim().toLowerCase())
  if (names.some((name) => name === '' || dataLike.test(name))) return false
  return new Set(names).size === names.length
}

/**
 * Formula neutralising is shared with the CSV export (api/src/lib/csv-write.ts): the importer strips exactly the
 * one `'` the export adds, so export → import leaves values unchanged.
 */
export { restoreNeutralisedField as stripFormulaGuard } from '../lib/csv-write.ts'

/** Values a spreadsheet would execute when opened (after the guard is stripped). */
export function looksLikeFormula(value: string): boolean {
  return /^[=+@\t\r]/.test(value) || /^-[^0-9.]/.test(value)
}
