CREATE OR REPLACE FUNCTION fn_calcular_iva (p_base numeric, p_porcentaje numeric DEFAULT NULL) RETURNS numeric AS $body$
DECLARE

  -- IVA sobre una base imponible. Si no se indica porcentaje se usa la
  -- tarifa general vigente (parámetro IVA_PORCENTAJE).
  v_pct numeric;

BEGIN
  IF coalesce(p_base::text, '') = '' OR p_base = 0 THEN
    RETURN 0;
  END IF;
  IF p_base < 0 THEN
    RAISE EXCEPTION '%', 'La base imponible no puede ser negativa' USING ERRCODE = '45501';
  END IF;
  IF coalesce(p_porcentaje::text, '') = '' THEN
    SELECT (valor)::numeric
      INTO STRICT v_pct
      FROM seguridad.parametros_sistema
     WHERE codigo = 'IVA_PORCENTAJE';
  ELSE
    v_pct := p_porcentaje;
  END IF;
  RETURN round((p_base * v_pct / 100)::numeric, 2);
EXCEPTION
  WHEN no_data_found THEN
    RAISE EXCEPTION '%', 'No está configurado el parámetro IVA_PORCENTAJE' USING ERRCODE = '45502';
END;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON FUNCTION fn_calcular_iva (p_base numeric, p_porcentaje numeric DEFAULT NULL) FROM PUBLIC;
