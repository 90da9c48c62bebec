-- Keep denormalised read models current at write time: density per H3 cell, revenue of the
-- last 12 months per customer and the date of the last contact. Bulk loaders set
-- meridian.bulk_load = 'on' for their session and rebuild the roll-ups once at the end.

CREATE FUNCTION customer_cell_stat_add(p_sign integer, c customer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO customer_cell_stat AS s (res, cell, owner_key, status, customers, revenue_cents, geom)
  SELECT u.res, u.cell, coalesce(c.owner_id, 0), c.status, p_sign, p_sign * c.revenue_12m_cents, c.geom
  FROM unnest(ARRAY[3, 5, 7]::smallint[], ARRAY[c.h3_r3, c.h3_r5, c.h3_r7]) AS u (res, cell)
  ON CONFLICT (res, cell, owner_key, status) DO UPDATE
    SET customers = s.customers + excluded.customers,
        revenue_cents = s.revenue_cents + excluded.revenue_cents;
$$;

CREATE FUNCTION customer_cell_stat_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('meridian.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM customer_cell_stat_add(-1, OLD);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM customer_cell_stat_add(1, NEW);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER customer_cell_stat_insert_delete AFTER INSERT OR DELETE ON customer
  FOR EACH ROW EXECUTE FUNCTION customer_cell_stat_sync();
CREATE TRIGGER customer_cell_stat_update AFTER UPDATE OF h3_r3, h3_r5, h3_r7, owner_id, status, revenue_12m_cents, geom ON customer
  FOR EACH ROW EXECUTE FUNCTION customer_cell_stat_sync();

CREATE FUNCTION rebuild_customer_cell_stat() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM customer_cell_stat;
  INSERT INTO customer_cell_stat (res, cell, owner_key, status, customers, revenue_cents, geom)
  SELECT u.res, u.cell, coalesce(c.owner_id, 0), c.status, count(*), sum(c.revenue_12m_cents),
         ST_PointOnSurface(ST_Collect(c.geom))
  FROM customer c
  CROSS JOIN LATERAL unnest(ARRAY[3, 5, 7]::smallint[], ARRAY[c.h3_r3, c.h3_r5, c.h3_r7]) AS u (res, cell)
  GROUP BY u.res, u.cell, coalesce(c.owner_id, 0), c.status;
$$;

CREATE FUNCTION customer_revenue_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('meridian.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  UPDATE customer c
     SET revenue_12m_cents = (
       SELECT coalesce(sum(o.amount_cents), 0) FROM customer_order o
        WHERE o.customer_id = c.id AND o.ordered_on > current_date - interval '12 months')
   WHERE c.id IN (
     SELECT (CASE WHEN TG_OP = 'DELETE' THEN OLD.customer_id ELSE NEW.customer_id END)
     UNION SELECT (CASE WHEN TG_OP = 'UPDATE' THEN OLD.customer_id END));
  RETURN NULL;
END;
$$;

CREATE TRIGGER customer_order_revenue AFTER INSERT OR UPDATE OR DELETE ON customer_order
  FOR EACH ROW EXECUTE FUNCTION customer_revenue_sync();

CREATE FUNCTION customer_last_contact_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('meridian.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  UPDATE customer SET last_contact_at = NEW.occurred_at
   WHERE id = NEW.customer_id AND (last_contact_at IS NULL OR last_contact_at < NEW.occurred_at);
  RETURN NULL;
END;
$$;

CREATE TRIGGER interaction_last_contact AFTER INSERT ON interaction
  FOR EACH ROW EXECUTE FUNCTION customer_last_contact_sync();

-- Tile thinning: a customer shows from the lowest zoom at which its grid cell (48 cells per tile side) has no
-- other visible customer, so low-zoom tiles hold at most ~2,300 points wherever customers crowd.
CREATE FUNCTION customer_min_zoom_for(p_geom geometry, p_self bigint) RETURNS smallint
LANGUAGE sql STABLE AS $$
  SELECT coalesce(min(z), 12)::smallint
  FROM generate_series(0, 11) AS z
  CROSS JOIN LATERAL (SELECT 40075016.685578488 / (2 ^ z * 48) AS size, ST_Transform(p_geom, 3857) AS g) c
  WHERE NOT EXISTS (
    SELECT 1 FROM customer o
    WHERE o.min_zoom <= z AND o.id IS DISTINCT FROM p_self
      AND o.geom_3857 && ST_MakeEnvelope(
        floor(ST_X(c.g) / c.size) * c.size, floor(ST_Y(c.g) / c.size) * c.size,
        (floor(ST_X(c.g) / c.size) + 1) * c.size, (floor(ST_Y(c.g) / c.size) + 1) * c.size, 3857));
$$;

CREATE FUNCTION customer_min_zoom_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('meridian.bulk_load', true) = 'on' THEN
    RETURN NEW;
  END IF;
  NEW.min_zoom := customer_min_zoom_for(NEW.geom, NEW.id);
  RETURN NEW;
END;
$$;

CREATE TRIGGER customer_min_zoom_insert BEFORE INSERT ON customer
  FOR EACH ROW EXECUTE FUNCTION customer_min_zoom_sync();
CREATE TRIGGER customer_min_zoom_update BEFORE UPDATE OF geom ON customer
  FOR EACH ROW EXECUTE FUNCTION customer_min_zoom_sync();

/* For bulk loads: the representative of each cell is the customer with the lowest hash of its id, so the
   choice is nested across zooms (a cell's representative also represents its sub-cell). */
CREATE FUNCTION rebuild_customer_min_zoom() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  z integer;
  size double precision;
BEGIN
  UPDATE customer SET min_zoom = 12 WHERE min_zoom <> 12;
  FOR z IN 0..11 LOOP
    size := 40075016.685578488 / (2 ^ z * 48);
    UPDATE customer c SET min_zoom = z
    FROM (
      SELECT DISTINCT ON (floor(ST_X(geom_3857) / size), floor(ST_Y(geom_3857) / size)) id
      FROM customer
      ORDER BY floor(ST_X(geom_3857) / size), floor(ST_Y(geom_3857) / size), hashint8(id), id
    ) r
    WHERE c.id = r.id AND c.min_zoom > z;
  END LOOP;
END;
$$;
