-- Border lengths for Polsby–Popper compactness of territories built from counties: each county's perimeter and
-- the length of each shared border (both from the TopoJSON arcs, filled in by the geodata loader).
ALTER TABLE region ADD COLUMN perimeter_km double precision;
ALTER TABLE region_adjacency ADD COLUMN shared_km double precision;
