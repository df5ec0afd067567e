CREATE OR REPLACE FUNCTION fn_obtener_parametro (p_codigo text, p_defecto text DEFAULT NULL) RETURNS varchar AS $body$
DECLARE

  v_valor parametros_sistema.valor%TYPE;

BEGIN
  SELECT valor INTO STRICT v_valor FROM parametros_sistema WHERE codigo = UPPER(p_codigo);
  RETURN coalesce(v_valor, p_defecto);
EXCEPTION
  WHEN no_data_found THEN
    RETURN p_defecto;
END;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON FUNCTION fn_obtener_parametro (p_codigo text, p_defecto text DEFAULT NULL) FROM PUBLIC;
