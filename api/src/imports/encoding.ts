/**
 * Text decoding for imports. UTF-8 through TextDecoder; Windows-1252 by our own table, because some Node builds
 * decode the label 'windows-1252' as ISO-8859-1 and turn € “ ” ‘ ’ – — into C1 control characters.
 */
export type ImportEncoding = 'utf-8' | 'windows-1252'
export type Decoder = { decode: (bytes?: Uint8Array, options?: { stream?: boolean }) => string }

// 0x80–0x9F of Windows-1252; the five undefined positions map to themselves, as browsers do.
const cp1252High = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178,
]

function decodeWindows1252(bytes: Uint8Array): string {
  let out = ''
  const chunk = 8192
  for (let start = 0; start < bytes.length; start += chunk) {
    const codes = new Array<number>(Math.min(chunk, bytes.length - start))
    for (let i = 0; i < codes.length; i++) {
      const b = bytes[start + i] as number
      codes[i] = b >= 0x80 && b <= 0x9f ? (cp1252High[b - 0x80] as number) : b
    }
    out += String.fromCharCode(...codes)
  }
  return out
}

export function createDecoder(encoding: ImportEncoding): Decoder {
  if (encoding === 'utf-8') return new TextDecoder('utf-8')
  // A single-byte encoding needs no state between chunks.
  return { decode: (bytes) => (bytes ? decodeWindows1252(bytes) : '') }
}
