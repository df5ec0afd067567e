CREATE OR REPLACE PROCEDURE prc_guardar_bodega (p_id_bodega numeric, p_nombre text, p_ciudad text, p_activa CHAR DEFAULT 'S') AS $body$
DECLARE

  ora2pg_rowcount int;
-- Alta o modificación de bodega. Estándar de código simple: sin MERGE ni
  -- EXECUTE IMMEDIATE, sin PRAGMA AUTONOMOUS_TRANSACTION.
BEGIN
  IF coalesce(p_nombre::text, '') = '' THEN
    RAISE EXCEPTION '%', 'El nombre de la bodega es obligatorio' USING ERRCODE = '45630';
  END IF;
  IF p_activa NOT IN ('S', 'N') THEN
    RAISE EXCEPTION '%', 'Valor inválido para ACTIVA: ' || p_activa USING ERRCODE = '45631';
  END IF;
  UPDATE bodegas
     SET nombre = trim(both p_nombre),
         ciudad = INITCAP(trim(both p_ciudad)),
         activa = p_activa
   WHERE id_bodega = p_id_bodega;
  GET DIAGNOSTICS ora2pg_rowcount = ROW_COUNT;
IF ora2pg_rowcount = 0 THEN
    INSERT INTO bodegas(id_bodega, nombre, ciudad, activa)
    VALUES (p_id_bodega, trim(both p_nombre), INITCAP(trim(both p_ciudad)), p_activa);
  END IF;
END;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON PROCEDURE prc_guardar_bodega (p_id_bodega numeric, p_nombre text, p_ciudad text, p_activa CHAR DEFAULT 'S') FROM PUBLIC;
