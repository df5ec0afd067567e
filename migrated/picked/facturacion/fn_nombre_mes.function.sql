-- FACTURACION.FN_NOMBRE_MES (FUNCTION) from extracted/all_source/functions.sql:180

CREATE OR REPLACE FUNCTION facturacion.fn_nombre_mes(
    p_mes numeric,
    p_mayusculas varchar DEFAULT 'N'
)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    -- Nombre del mes en español para encabezados de reportes.
    -- (los encabezados del CSV que escribe UTL_FILE en PKG_REPORTES no usan esta función)
    v_nombre varchar(20);
BEGIN
    v_nombre := CASE p_mes
          WHEN 1 THEN 'Enero'      WHEN 2 THEN 'Febrero'   WHEN 3 THEN 'Marzo'
          WHEN 4 THEN 'Abril'      WHEN 5 THEN 'Mayo'      WHEN 6 THEN 'Junio'
          WHEN 7 THEN 'Julio'      WHEN 8 THEN 'Agosto'    WHEN 9 THEN 'Septiembre'
          WHEN 10 THEN 'Octubre'   WHEN 11 THEN 'Noviembre' WHEN 12 THEN 'Diciembre'
        END;
    IF v_nombre IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'U0503', MESSAGE = concat('Mes fuera de rango: ', p_mes);
    END IF;
    RETURN CASE WHEN p_mayusculas = 'S' THEN UPPER(v_nombre) ELSE v_nombre END;
END;
$body$;
