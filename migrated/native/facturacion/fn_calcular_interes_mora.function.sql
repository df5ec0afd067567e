-- FACTURACION.FN_CALCULAR_INTERES_MORA (FUNCTION) from extracted/all_source/functions.sql:93
-- review (line 104): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- review (line 120): TO_NUMBER: the NLS argument was left out

CREATE OR REPLACE FUNCTION facturacion.fn_calcular_interes_mora(
    p_saldo numeric,
    p_fecha_vencimiento timestamp(0),
    p_fecha_calculo timestamp(0) DEFAULT clock_timestamp()::timestamp(0)
)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    /* Interés por mora sobre facturas vencidas.
        Regla (Resolución de Directorio 2019-07):
          - 5 días de gracia desde el vencimiento
          - tasa anual MORA_TASA_ANUAL, año comercial de 360 días
          - por cada mes completo vencido se recarga 0.5 puntos a la tasa, hasta 12 meses
          - el interés se trunca a 2 decimales y nunca supera el 20% del saldo */
    c_dias_gracia CONSTANT integer := 5;
    v_tasa_anual numeric;
    v_dias numeric;
    v_meses numeric;
    v_interes numeric;
BEGIN
    IF coalesce(p_saldo, 0) <= 0 OR p_fecha_vencimiento IS NULL THEN
        RETURN 0;
    END IF;
    v_dias := (extract(epoch FROM (TRUNC(p_fecha_calculo)) - (TRUNC(p_fecha_vencimiento))) / 86400);
    IF v_dias <= c_dias_gracia THEN
        RETURN 0;
    END IF;
    BEGIN
        SELECT to_number(valor, '999D99')
             INTO STRICT v_tasa_anual
             FROM seguridad.parametros_sistema
            WHERE codigo = 'MORA_TASA_ANUAL';
    EXCEPTION
        WHEN no_data_found THEN
            v_tasa_anual := 11.83;
    END;
    v_meses := LEAST(TRUNC(MONTHS_BETWEEN(TRUNC(p_fecha_calculo), TRUNC(p_fecha_vencimiento))), 12);
    -- si el vencimiento cae a fin de mes, ADD_MONTHS mantiene el fin de mes
    IF ADD_MONTHS(TRUNC(p_fecha_vencimiento), v_meses) > TRUNC(p_fecha_calculo) THEN
        v_meses := v_meses - 1;
    END IF;
    v_tasa_anual := v_tasa_anual + GREATEST(v_meses, 0) * 0.5;
    v_interes := TRUNC(p_saldo * (v_tasa_anual / 100) / 360 * v_dias, 2);
    RETURN LEAST(v_interes, TRUNC(p_saldo * 0.20, 2));
END;
$body$;
