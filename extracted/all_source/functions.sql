FUNCTION fn_calcular_iva(p_base IN NUMBER, p_porcentaje IN NUMBER DEFAULT NULL)
RETURN NUMBER
IS
  -- IVA sobre una base imponible. Si no se indica porcentaje se usa la
  -- tarifa general vigente (parámetro IVA_PORCENTAJE).
  v_pct NUMBER;
BEGIN
  IF p_base IS NULL OR p_base = 0 THEN
    RETURN 0;
  END IF;

  IF p_base < 0 THEN
    RAISE_APPLICATION_ERROR(-20501, 'La base imponible no puede ser negativa');
  END IF;

  IF p_porcentaje IS NULL THEN
    SELECT TO_NUMBER(valor)
      INTO v_pct
      FROM seguridad.parametros_sistema
     WHERE codigo = 'IVA_PORCENTAJE';
  ELSE
    v_pct := p_porcentaje;
  END IF;

  RETURN ROUND(p_base * v_pct / 100, 2);
EXCEPTION
  WHEN NO_DATA_FOUND THEN
    RAISE_APPLICATION_ERROR(-20502, 'No está configurado el parámetro IVA_PORCENTAJE');
END fn_calcular_iva;
/
function fn_validar_cedula (p_cedula in varchar2) return varchar2
is
   -- Valida cédula ecuatoriana (10 dígitos, módulo 10) o RUC de persona natural (13 dígitos, termina en 001).
   -- Devuelve 'S' o 'N'.
   v_doc       varchar2(13) := trim(p_cedula);
   v_provincia number;
   v_suma      number := 0;
   v_producto  number;
   v_verif     number;
begin
   if v_doc is null or not regexp_like(v_doc, '^[0-9]{10}([0-9]{3})?$') then
      return 'N';
   end if;

   if length(v_doc) = 13 and substr(v_doc, 11, 3) <> '001' then
      return 'N';
   end if;

   v_provincia := to_number(substr(v_doc, 1, 2));
   if v_provincia not between 1 and 24 and v_provincia <> 30 then
      return 'N';
   end if;

   if to_number(substr(v_doc, 3, 1)) >= 6 then
      return 'N';   -- 6 = sector público, 9 = sociedades: no son cédulas
   end if;

   for i in 1 .. 9 loop
      v_producto := to_number(substr(v_doc, i, 1)) * case mod(i, 2) when 1 then 2 else 1 end;
      if v_producto > 9 then
         v_producto := v_producto - 9;
      end if;
      v_suma := v_suma + v_producto;
   end loop;

   v_verif := mod(10 - mod(v_suma, 10), 10);

   return case when v_verif = to_number(substr(v_doc, 10, 1)) then 'S' else 'N' end;
end fn_validar_cedula;
/
FUNCTION fn_dias_habiles(p_desde IN DATE, p_hasta IN DATE) RETURN NUMBER
IS
  -- Días hábiles (lunes a viernes) entre dos fechas, ambas incluidas.
  -- La versión anterior consultaba el calendario de feriados con EXECUTE IMMEDIATE
  -- y DBMS_SQL sobre una tabla del ERP; se simplificó en 2020 (ver ticket SD-2210).
  v_fecha DATE := TRUNC(p_desde);
  v_dias  NUMBER := 0;
BEGIN
  IF p_desde IS NULL OR p_hasta IS NULL OR p_hasta < p_desde THEN
    RETURN 0;
  END IF;

  WHILE v_fecha <= TRUNC(p_hasta) LOOP
    IF TO_CHAR(v_fecha, 'DY', 'NLS_DATE_LANGUAGE=SPANISH') NOT IN ('SÁB', 'DOM') THEN
      v_dias := v_dias + 1;
    END IF;
    v_fecha := v_fecha + 1;
  END LOOP;

  RETURN v_dias;
END fn_dias_habiles;
/
FUNCTION fn_calcular_interes_mora(p_saldo             IN NUMBER,
                                  p_fecha_vencimiento IN DATE,
                                  p_fecha_calculo     IN DATE DEFAULT SYSDATE)
  RETURN NUMBER
IS
  /* Interés por mora sobre facturas vencidas.
     Regla (Resolución de Directorio 2019-07):
       - 5 días de gracia desde el vencimiento
       - tasa anual MORA_TASA_ANUAL, año comercial de 360 días
       - por cada mes completo vencido se recarga 0.5 puntos a la tasa, hasta 12 meses
       - el interés se trunca a 2 decimales y nunca supera el 20% del saldo */
  c_dias_gracia   CONSTANT PLS_INTEGER := 5;
  v_tasa_anual    NUMBER;
  v_dias          NUMBER;
  v_meses         NUMBER;
  v_interes       NUMBER;
BEGIN
  IF NVL(p_saldo, 0) <= 0 OR p_fecha_vencimiento IS NULL THEN
    RETURN 0;
  END IF;

  v_dias := TRUNC(p_fecha_calculo) - TRUNC(p_fecha_vencimiento);
  IF v_dias <= c_dias_gracia THEN
    RETURN 0;
  END IF;

  BEGIN
    SELECT TO_NUMBER(valor, '999D99', 'NLS_NUMERIC_CHARACTERS=''.,''')
      INTO v_tasa_anual
      FROM seguridad.parametros_sistema
     WHERE codigo = 'MORA_TASA_ANUAL';
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      v_tasa_anual := 11.83;
  END;

  v_meses := LEAST(TRUNC(MONTHS_BETWEEN(TRUNC(p_fecha_calculo), TRUNC(p_fecha_vencimiento))), 12);
  -- si el vencimiento cae a fin de mes, ADD_MONTHS mantiene el fin de mes
  IF ADD_MONTHS(TRUNC(p_fecha_vencimiento), v_meses) > TRUNC(p_fecha_calculo) THEN
    v_meses := v_meses - 1;
  END IF;

  v_tasa_anual := v_tasa_anual + GREATEST(v_meses, 0) * 0.5;
  v_interes    := TRUNC(p_saldo * (v_tasa_anual / 100) / 360 * v_dias, 2);

  RETURN LEAST(v_interes, TRUNC(p_saldo * 0.20, 2));
END fn_calcular_interes_mora;
/
FUNCTION fn_arbol_categorias(p_id_raiz IN NUMBER DEFAULT NULL)
  RETURN t_tab_nodo_categoria PIPELINED
IS
  -- Uso: SELECT * FROM TABLE(inventario.fn_arbol_categorias(10));
  -- Si p_id_raiz es NULL se devuelve el árbol completo.
  CURSOR c_arbol IS
    SELECT c.id_categoria,
           LPAD(' ', 2 * (LEVEL - 1)) || c.nombre         AS nombre,
           LEVEL                                            AS nivel,
           SYS_CONNECT_BY_PATH(c.nombre, ' > ')             AS ruta,
           DECODE(CONNECT_BY_ISLEAF, 1, 'S', 'N')           AS es_hoja
      FROM categorias c
     START WITH (p_id_raiz IS NULL AND c.id_categoria_padre IS NULL)
             OR c.id_categoria = p_id_raiz
    CONNECT BY NOCYCLE PRIOR c.id_categoria = c.id_categoria_padre
     ORDER SIBLINGS BY c.nombre;
BEGIN
  FOR r IN c_arbol LOOP
    PIPE ROW (t_nodo_categoria(r.id_categoria, r.nombre, r.nivel, SUBSTR(r.ruta, 4), r.es_hoja));
  END LOOP;
  RETURN;
EXCEPTION
  WHEN NO_DATA_NEEDED THEN
    RETURN;   -- el consumidor dejó de leer (p.ej. ROWNUM <= 10)
END fn_arbol_categorias;
/
FUNCTION fn_obtener_parametro(p_codigo IN VARCHAR2, p_defecto IN VARCHAR2 DEFAULT NULL)
  RETURN VARCHAR2
  RESULT_CACHE
IS
  v_valor parametros_sistema.valor%TYPE;
BEGIN
  SELECT valor INTO v_valor FROM parametros_sistema WHERE codigo = UPPER(p_codigo);
  RETURN NVL(v_valor, p_defecto);
EXCEPTION
  WHEN NO_DATA_FOUND THEN
    RETURN p_defecto;
END fn_obtener_parametro;
/
FUNCTION fn_nombre_mes(p_mes IN NUMBER, p_mayusculas IN VARCHAR2 DEFAULT 'N') RETURN VARCHAR2
IS
  -- Nombre del mes en español para encabezados de reportes.
  -- (los encabezados del CSV que escribe UTL_FILE en PKG_REPORTES no usan esta función)
  v_nombre VARCHAR2(20);
BEGIN
  v_nombre := CASE p_mes
                WHEN 1 THEN 'Enero'      WHEN 2 THEN 'Febrero'   WHEN 3 THEN 'Marzo'
                WHEN 4 THEN 'Abril'      WHEN 5 THEN 'Mayo'      WHEN 6 THEN 'Junio'
                WHEN 7 THEN 'Julio'      WHEN 8 THEN 'Agosto'    WHEN 9 THEN 'Septiembre'
                WHEN 10 THEN 'Octubre'   WHEN 11 THEN 'Noviembre' WHEN 12 THEN 'Diciembre'
              END;
  IF v_nombre IS NULL THEN
    RAISE_APPLICATION_ERROR(-20503, 'Mes fuera de rango: ' || p_mes);
  END IF;
  RETURN CASE WHEN p_mayusculas = 'S' THEN UPPER(v_nombre) ELSE v_nombre END;
END fn_nombre_mes;
/
