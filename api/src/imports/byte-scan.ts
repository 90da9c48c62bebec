/**
 * Checks an upload byte by byte as it streams to disk: binary content (NUL bytes), UTF-8 validity (else the
 * file is read as Windows-1252, the superset of Latin-1 that spreadsheets write), the longest physical line,
 * and the number of records (newlines outside quotes). Pure: no I/O.
 */
export type ByteScanResult = {
  bytes: number
  encoding: 'utf-8' | 'windows-1252'
  records: number
  sample: Uint8Array
}

export class ByteScanError extends Error {
  constructor(
    readonly code: 'not_csv' | 'line_too_long',
    message: string,
  ) {
    super(message)
  }
}

export const sampleBytes = 64 * 1024

export class ByteScanner {
  private bytes = 0
  private lineBytes = 0
  private line = 1
  private inQuotes = false
  private records = 0
  private lastByte = 10
  private utf8Valid = true
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  private readonly sampleParts: Uint8Array[] = []
  private sampleLength = 0

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Uint8Array): void {
    if (this.sampleLength < sampleBytes) {
      const part = chunk.subarray(0, sampleBytes - this.sampleLength)
      this.sampleParts.push(part.slice())
      this.sampleLength += part.length
    }
    if (this.utf8Valid) {
      try {
        this.decoder.decode(chunk, { stream: true })
      } catch {
        this.utf8Valid = false
      }
    }
    let lineBytes = this.lineBytes
    let inQuotes = this.inQuotes
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number
      if (b === 10) {
        if (!inQuotes) this.records++
        this.line++
        lineBytes = 0
        continue
      }
      if (b === 0) {
        throw new ByteScanError(
          'not_csv',
          `This is not a CSV file: it holds binary data (a NUL byte on line ${this.line}).`,
        )
      }
      if (b === 34) inQuotes = !inQuotes
      lineBytes++
      if (lineBytes > this.maxLineBytes) {
        throw new ByteScanError(
          'line_too_long',
          `Line ${this.line} is longer than ${Math.round(this.maxLineBytes / 1024)} KiB; lines that long are not CSV records.`,
        )
      }
    }
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number
    this.lineBytes = lineBytes
    this.inQuotes = inQuotes
    this.bytes += chunk.length
  }

  finish(): ByteScanResult {
    if (this.utf8Valid) {
      try {
        this.decoder.decode()
      } catch {
        this.utf8Valid = false
      }
    }
    const sample = new Uint8Array(this.sampleLength)
    let offset = 0
    for (const part of this.sampleParts) {
      sample.set(part, offset)
      offset += part.length
    }
    return {
      bytes: this.bytes,
      encoding: this.utf8Valid ? 'utf-8' : 'windows-1252',
      // A last record without a trailing newline counts too.
      records: this.records + (this.lastByte !== 10 && this.bytes > 0 ? 1 : 0),
      sample,
    }
  }
}
