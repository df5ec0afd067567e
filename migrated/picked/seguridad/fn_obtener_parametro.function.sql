-- SEGURIDAD.FN_OBTENER_PARAMETRO (FUNCTION) from extracted/all_source/functions.sql:167

CREATE OR REPLACE FUNCTION seguridad.fn_obtener_parametro(
    p_codigo varchar,
    p_defecto varchar DEFAULT NULL
)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_valor parametros_sistema.valor%TYPE;
BEGIN
    SELECT valor INTO STRICT v_valor FROM parametros_sistema WHERE codigo = UPPER(p_codigo);
    RETURN coalesce(v_valor, p_defecto);
EXCEPTION
    WHEN no_data_found THEN
        RETURN p_defecto;
END;
$body$;
