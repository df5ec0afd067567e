CREATE OR REPLACE FUNCTION fn_calcular_interes_mora (p_saldo numeric, p_fecha_vencimiento timestamp, p_fecha_calculo timestamp DEFAULT clock_timestamp()) RETURNS numeric AS $body$
DECLARE

  /* Interés por mora sobre facturas vencidas.
     Regla (Resolución de Directorio 2019-07):
       - 5 días de gracia desde el vencimiento
       - tasa anual MORA_TASA_ANUAL, año comercial de 360 días
       - por cada mes completo vencido se recarga 0.5 puntos a la tasa, hasta 12 meses
       - el interés se trunca a 2 decimales y nunca supera el 20% del saldo */
  c_dias_gracia   CONSTANT integer := 5;
  v_tasa_anual    numeric;
  v_dias          numeric;
  v_meses         numeric;
  v_interes       numeric;

BEGIN
  IF coalesce(p_saldo, 0) <= 0 OR coalesce(p_fecha_vencimiento::text, '') = '' THEN
    RETURN 0;
  END IF;
  v_dias := date_trunc('day', p_fecha_calculo) - date_trunc('day', p_fecha_vencimiento);
  IF v_dias <= c_dias_gracia THEN
    RETURN 0;
  END IF;
  BEGIN
    SELECT TO_NUMBER(valor, '999D99', 'NLS_NUMERIC_CHARACTERS=''.,''')
      INTO STRICT v_tasa_anual
      FROM seguridad.parametros_sistema
     WHERE codigo = 'MORA_TASA_ANUAL';
  EXCEPTION
    WHEN no_data_found THEN
      v_tasa_anual := 11.83;
  END;
  v_meses := LEAST(date_trunc('day', MONTHS_BETWEEN(date_trunc('day', p_fecha_calculo), date_trunc('day', p_fecha_vencimiento))), 12);
  -- si el vencimiento cae a fin de mes, ADD_MONTHS mantiene el fin de mes
  IF date_trunc('day', p_fecha_vencimiento) + v_meses*'1 month'::interval > date_trunc('day', p_fecha_calculo) THEN
    v_meses := v_meses - 1;
  END IF;
  v_tasa_anual := v_tasa_anual + GREATEST(v_meses, 0) * 0.5;
  v_interes    := TRUNC(p_saldo * (v_tasa_anual / 100) / 360 * v_dias, 2);
  RETURN LEAST(v_interes, date_trunc(2, p_saldo * 0.20));
END;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON FUNCTION fn_calcular_interes_mora (p_saldo numeric, p_fecha_vencimiento timestamp, p_fecha_calculo timestamp DEFAULT clock_timestamp()) FROM PUBLIC;
