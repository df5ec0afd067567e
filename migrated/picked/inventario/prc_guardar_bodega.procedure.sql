-- INVENTARIO.PRC_GUARDAR_BODEGA (PROCEDURE) from extracted/all_source/procedures.sql:264

CREATE OR REPLACE PROCEDURE inventario.prc_guardar_bodega(
    p_id_bodega numeric,
    p_nombre varchar,
    p_ciudad varchar,
    p_activa char DEFAULT 'S'
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    sql_rowcount integer := 0;
BEGIN
    IF p_nombre IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'U0630', MESSAGE = 'El nombre de la bodega es obligatorio';
    END IF;
    IF p_activa NOT IN ('S', 'N') THEN
        RAISE EXCEPTION USING ERRCODE = 'U0631', MESSAGE = concat('Valor inválido para ACTIVA: ', p_activa);
    END IF;
    UPDATE bodegas
          SET nombre = TRIM(p_nombre),
              ciudad = INITCAP(TRIM(p_ciudad)),
              activa = p_activa
        WHERE id_bodega = p_id_bodega;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    IF sql_rowcount = 0 THEN
        INSERT INTO bodegas (id_bodega, nombre, ciudad, activa)
            VALUES (p_id_bodega, TRIM(p_nombre), INITCAP(TRIM(p_ciudad)), p_activa);
        GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    END IF;
END;
$body$;
