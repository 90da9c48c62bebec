declare module 'vt-pbf' {
  type TileFeature = {
    id?: number
    type: 1 | 2 | 3
    geometry: number[][] | number[][][]
    tags: Record<string, string | number | boolean>
  }
  const vtpbf: {
    fromGeojsonVt(
      layers: Record<string, { features: TileFeature[] }>,
      options?: { version?: number; extent?: number },
    ): Uint8Array
  }
  export default vtpbf
}
