/** Types of the pure territory partitioner (partition.ts) and its scorer (partition-score.ts). */

export type PartitionUnit = {
  id: string
  /** The measure to balance (customers, revenue, workload, potential, or a blend from `blendMeasures`); ≥ 0. */
  weight: number
  /** Centroid in a planar projection, in km (equal-area, or equirectangular around the scope's centre). */
  x: number
  y: number
  /** Area in km²; when absent every unit counts as a square of the median neighbour spacing. */
  area?: number
}

/** The part of the input that scoring needs: units, their borders, how many territories and how strict. */
export type AlignmentInput = {
  units: readonly PartitionUnit[]
  /** Pairs of unit indices that share a border, either orientation; duplicates and self-pairs are ignored. */
  adjacency: readonly (readonly [number, number])[]
  k: number
  /** Allowed deviation from the mean load, as a fraction; 0.05 when absent. */
  tolerance?: number
}

export type PartitionInput = AlignmentInput & {
  /** Unit index → territory index; these units never move. */
  locked?: ReadonlyMap<number, number>
  /** Territories (indices into `initial`) kept exactly as they are: they neither give nor receive units. */
  lockedTerritories?: readonly number[]
  /** Current alignment, territory index per unit (-1 = unassigned); the result stays as close to it as it can. */
  initial?: readonly number[]
  seed?: number
  /** Wall-clock budget for the whole run; 1,500 ms when absent. */
  timeBudgetMs?: number
}

export type PartitionNoteCode = 'unit_heavier_than_target' | 'island' | 'disconnected_scope' | 'tolerance_not_reached'

export type PartitionNote = { code: PartitionNoteCode; message: string; unitIds?: string[] }

export type AlignmentScore = {
  /** Sum of unit weights per territory. */
  loads: number[]
  /** Total weight / k. */
  mean: number
  /** (load − mean) / mean per territory. */
  deviations: number[]
  /** max |deviation|, e.g. 0.031 for ±3.1 %. */
  maxDeviation: number
  /** Per territory, over real borders only (links added to reach islands do not count). Empty counts as contiguous. */
  contiguous: boolean[]
  /**
   * Per territory, moment-of-inertia compactness in (0, 1]: area² / (2π · polar moment of its units about their
   * centroid). 1 is a disk; a cheap proxy for Polsby–Popper, which needs the real outlines (PostGIS).
   */
  compactness: number[]
  reachedTolerance: boolean
}

export type PartitionResult = AlignmentScore & {
  /** Territory index per unit. */
  assignment: number[]
  notes: PartitionNote[]
  /** Units whose territory differs from `initial` (units that had none are not counted); 0 without `initial`. */
  moves: number
  /** Total weight of those units, e.g. how many customers change owner when balancing on customers. */
  movedWeight: number
  runtimeMs: number
}
