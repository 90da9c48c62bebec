-- Territories: H3 units at any resolution 3–8 (cells other than 3/5/7 derive from customer.h3_r9 in SQL), and
-- running totals per territory so a manual move re-scores from the moved units alone.

ALTER TABLE alignment DROP CONSTRAINT alignment_h3_res_check;
ALTER TABLE alignment ADD CONSTRAINT alignment_h3_res_check CHECK (h3_res BETWEEN 3 AND 8);

-- Sums of the territory's unit snapshots (customers, revenue, workload parts…; see metrics.ts TerritoryTotals),
-- the outline's length (unit perimeters minus twice the inner borders) and contiguity over real borders.
-- NULL for alignments made before this migration: they are re-scored in full on the next edit.
ALTER TABLE alignment_territory ADD COLUMN totals jsonb;
ALTER TABLE alignment_territory ADD COLUMN perimeter_km double precision;
ALTER TABLE alignment_territory ADD COLUMN contiguous boolean;
