CREATE OR REPLACE FUNCTION fn_dias_habiles (p_desde timestamp, p_hasta timestamp) RETURNS numeric AS $body$
DECLARE

  -- Días hábiles (lunes a viernes) entre dos fechas, ambas incluidas.
  -- La versión anterior consultaba el calendario de feriados con EXECUTE IMMEDIATE
  -- y DBMS_SQL sobre una tabla del ERP; se simplificó en 2020 (ver ticket SD-2210).
  v_fecha timestamp := date_trunc('day', p_desde);
  v_dias  numeric := 0;

BEGIN
  IF coalesce(p_desde::text, '') = '' OR coalesce(p_hasta::text, '') = '' OR p_hasta < p_desde THEN
    RETURN 0;
  END IF;
  WHILE v_fecha <= date_trunc('day', p_hasta) LOOP
    IF TO_CHAR(v_fecha, 'DY', 'NLS_DATE_LANGUAGE=SPANISH') NOT IN ('SÁB', 'DOM') THEN
      v_dias := v_dias + 1;
    END IF;
    v_fecha := v_fecha + 1;
  END LOOP;
  RETURN v_dias;
END;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON FUNCTION fn_dias_habiles (p_desde timestamp, p_hasta timestamp) FROM PUBLIC;
