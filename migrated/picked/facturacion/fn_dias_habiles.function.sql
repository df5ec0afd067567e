-- FACTURACION.FN_DIAS_HABILES (FUNCTION) from extracted/all_source/functions.sql:71
-- review (line 84): TO_CHAR: the NLS argument was left out

CREATE OR REPLACE FUNCTION facturacion.fn_dias_habiles(
    p_desde timestamp(0),
    p_hasta timestamp(0)
)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    -- Días hábiles (lunes a viernes) entre dos fechas, ambas incluidas.
    -- La versión anterior consultaba el calendario de feriados con EXECUTE IMMEDIATE
    -- y DBMS_SQL sobre una tabla del ERP; se simplificó en 2020 (ver ticket SD-2210).
    v_fecha timestamp(0) := TRUNC(p_desde);
    v_dias numeric := 0;
BEGIN
    IF p_desde IS NULL OR p_hasta IS NULL OR p_hasta < p_desde THEN
        RETURN 0;
    END IF;
    WHILE v_fecha <= TRUNC(p_hasta) LOOP
        IF to_char(v_fecha, 'DY') NOT IN ('SÁB', 'DOM') THEN
            v_dias := v_dias + 1;
        END IF;
        v_fecha := v_fecha + interval '1 day';
    END LOOP;
    RETURN v_dias;
END;
$body$;
