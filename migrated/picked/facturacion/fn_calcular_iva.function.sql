-- FACTURACION.FN_CALCULAR_IVA (FUNCTION) from extracted/all_source/functions.sql:1

CREATE OR REPLACE FUNCTION facturacion.fn_calcular_iva(
    p_base numeric,
    p_porcentaje numeric DEFAULT NULL
)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    -- IVA sobre una base imponible. Si no se indica porcentaje se usa la
    -- tarifa general vigente (parámetro IVA_PORCENTAJE).
    v_pct numeric;
BEGIN
    IF p_base IS NULL OR p_base = 0 THEN
        RETURN 0;
    END IF;
    IF p_base < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0501', MESSAGE = 'La base imponible no puede ser negativa';
    END IF;
    IF p_porcentaje IS NULL THEN
        SELECT (valor)::numeric
             INTO STRICT v_pct
             FROM seguridad.parametros_sistema
            WHERE codigo = 'IVA_PORCENTAJE';
    ELSE
        v_pct := p_porcentaje;
    END IF;
    RETURN ROUND(p_base * v_pct / 100, 2);
EXCEPTION
    WHEN no_data_found THEN
        RAISE EXCEPTION USING ERRCODE = 'U0502', MESSAGE = 'No está configurado el parámetro IVA_PORCENTAJE';
END;
$body$;
