import { describe, expect, it } from 'vitest'
import { ByteScanError, ByteScanner } from '../../api/src/imports/byte-scan.ts'
import {
  CsvError,
  CsvParser,
  detectDelimiter,
  looksLikeHeader,
  parseCsvText,
  stripFormulaGuard,
} from '../../api/src/imports/csv-parse.ts'
import { createDecoder } from '../../api/src/imports/encoding.ts'
import { csvLine } from '../../api/src/lib/csv-write.ts'

const fields = (text: string, delimiter = ',') => parseCsvText(text, delimiter).map((r) => r.fields)

describe('CsvParser', () => {
  it('reads quoted fields with delimiters, doubled quotes and embedded newlines', () => {
    const records = parseCsvText('a,"b, c","say ""hi""","line 1\nline 2"\nnext,2,3,4\n', ',')
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b, c', 'say "hi"', 'line 1\nline 2'] },
      { line: 3, fields: ['next', '2', '3', '4'] },
    ])
  })

  it('treats CRLF, LF and lone CR as line ends and skips blank lines', () => {
    expect(fields('a,b\r\n1,2\r\n\r\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ])
  })

  it('keeps CRLF inside quotes and counts lines for the records after it', () => {
    const records = parseCsvText('"x\r\ny",1\r\nz,2\r\n', ',')
    expect(records[0]?.fields).toEqual(['x\r\ny', '1'])
    expect(records[1]).toEqual({ line: 3, fields: ['z', '2'] })
  })

  it('drops a UTF-8 byte order mark', () => {
    expect(fields('\uFEFFname,zip\nA,1')[0]).toEqual(['name', 'zip'])
  })

  it('gives the same records however the text is split into chunks', () => {
    const text = 'id,"name ""q""",note\r\n1,"a,b","multi\r\nline"\r\n2,,"x"""\r\n'
    const whole = fields(text)
    for (let size = 1; size <= 7; size++) {
      const parser = new CsvParser(',')
      const records = []
      for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)))
      records.push(...parser.end())
      expect(records.map((r) => r.fields)).toEqual(whole)
    }
  })

  it('keeps empty fields, including a trailing one', () => {
    expect(fields('a,,c,\n')).toEqual([['a', '', 'c', '']])
  })

  it('rejects a record longer than the limit while streaming', () => {
    const parser = new CsvParser(',', 1000)
    expect(() => parser.push('x'.repeat(1001))).toThrow(CsvError)
    expect(() => new CsvParser(',', 1000).push(`ok\n"${'y'.repeat(1200)}`)).toThrow(/Line 2 is longer/)
  })

  it('reports an unterminated quote with its line', () => {
    expect(() => parseCsvText('a,b\n"open,1\n', ',')).toThrow(/Line 2: a quoted field is never closed/)
  })
})

describe('detection', () => {
  it('finds the delimiter that splits lines consistently', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe(',')
    expect(detectDelimiter('a;b;c\n1,5;2;3\n')).toBe(';')
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t')
    expect(detectDelimiter('a|b|c\n"x|y"|2|3\n')).toBe('|')
  })

  it('tells a header from a data row', () => {
    expect(looksLikeHeader(['External ID', 'Name', 'ZIP'])).toBe(true)
    expect(looksLikeHeader(['CUS-1', 'Acme', '10001'])).toBe(false)
    expect(looksLikeHeader(['name', 'name'])).toBe(false)
    expect(looksLikeHeader(['name', 'ann@x.test'])).toBe(false)
  })

  it('decodes Latin-1 text that is not valid UTF-8 as Windows-1252', () => {
    const bytes = Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x0a])
    const scanner = new ByteScanner(1024)
    scanner.push(bytes)
    const result = scanner.finish()
    expect(result.encoding).toBe('windows-1252')
    expect(fields(createDecoder(result.encoding).decode(bytes))).toEqual([['Café', '€']])
  })

  it('keeps UTF-8 when a multi-byte character is split across chunks', () => {
    const bytes = new TextEncoder().encode('Zoë,Ω\n')
    const scanner = new ByteScanner(1024)
    scanner.push(bytes.subarray(0, 3))
    scanner.push(bytes.subarray(3))
    expect(scanner.finish()).toMatchObject({ encoding: 'utf-8', records: 1, bytes: bytes.length })
  })

  it('counts records but not newlines inside quotes, and stops at NUL bytes and endless lines', () => {
    const scanner = new ByteScanner(1024)
    scanner.push(new TextEncoder().encode('a,b\n"x\ny",2\nlast,3'))
    expect(scanner.finish().records).toBe(3)
    expect(() => new ByteScanner(1024).push(Uint8Array.from([0x61, 0x00]))).toThrow(ByteScanError)
    expect(() => new ByteScanner(10).push(new Uint8Array(11).fill(0x61))).toThrow(/longer than/)
  })
})

describe('formula neutralising round trip', () => {
  it('strips exactly the quote the export adds, so export → import is the identity', () => {
    for (const value of ['=SUM(A1)', '+1', '-x', '@cmd', '\tx', "'=already", "''+two", 'plain', "'plain", '-12.5']) {
      const exported = parseCsvText(csvLine([value]), ',')[0]?.fields[0] ?? ''
      expect(stripFormulaGuard(exported)).toBe(value)
    }
  })
})
