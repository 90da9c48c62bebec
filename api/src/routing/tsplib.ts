/** TSPLIB (Reinelt 1991) instances with coordinates: enough to benchmark the optimiser on published optima. */
export type TsplibWeightType = 'EUC_2D' | 'CEIL_2D' | 'ATT'

export type TsplibInstance = {
  name: string
  weightType: TsplibWeightType
  /** Node coordinates in file order (TSPLIB's node 1 is index 0). */
  coords: [number, number][]
  /** Optimum from a `COMMENT: optimum N` header line, when present. */
  optimum: number | null
}

const weightTypes: readonly TsplibWeightType[] = ['EUC_2D', 'CEIL_2D', 'ATT']

const isWeightType = (value: string): value is TsplibWeightType => (weightTypes as readonly string[]).includes(value)

export function parseTsplib(text: string): TsplibInstance {
  const header = new Map<string, string>()
  const coords: [number, number][] = []
  let inCoords = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line === 'EOF') continue
    if (line === 'NODE_COORD_SECTION') {
      inCoords = true
      continue
    }
    if (inCoords) {
      const [, x, y] = line.split(/\s+/).map(Number)
      if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) {
        throw new SyntaxError(`bad coordinate line: ${line}`)
      }
      coords.push([x, y])
      continue
    }
    const colon = line.indexOf(':')
    if (colon > 0) header.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  const weightType = header.get('EDGE_WEIGHT_TYPE') ?? ''
  if (!isWeightType(weightType)) throw new SyntaxError(`unsupported EDGE_WEIGHT_TYPE: ${weightType}`)
  const dimension = Number(header.get('DIMENSION'))
  if (dimension !== coords.length) throw new SyntaxError(`DIMENSION ${dimension} but ${coords.length} coordinates`)
  const optimum = /optimum\s+(\d+)/i.exec(header.get('COMMENT') ?? '')?.[1]
  return { name: header.get('NAME') ?? '', weightType, coords, optimum: optimum ? Number(optimum) : null }
}

/** TSPLIB's nint: round half up, as the reference code's (int)(x + 0.5). */
const nint = (x: number): number => Math.floor(x + 0.5)

export function tsplibDistance(
  type: TsplibWeightType,
  a: readonly [number, number],
  b: readonly [number, number],
): number {
  const dx = a[0] - b[0]
  const dy = a[1] - b[1]
  if (type === 'EUC_2D') return nint(Math.sqrt(dx * dx + dy * dy))
  if (type === 'CEIL_2D') return Math.ceil(Math.sqrt(dx * dx + dy * dy))
  // ATT pseudo-Euclidean distance: rounded up whenever nint rounded down.
  const r = Math.sqrt((dx * dx + dy * dy) / 10)
  const t = nint(r)
  return t < r ? t + 1 : t
}

export function buildTsplibMatrix(instance: TsplibInstance): number[][] {
  const { coords, weightType } = instance
  return coords.map((a) => coords.map((b) => tsplibDistance(weightType, a, b)))
}
