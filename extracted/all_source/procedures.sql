PROCEDURE prc_actualizar_precio(p_id_producto IN productos.id_producto%TYPE,
                                p_precio_nuevo IN productos.precio_venta%TYPE,
                                p_usuario      IN VARCHAR2 DEFAULT USER)
IS
  -- Actualiza el precio de venta de un producto. El histórico lo guarda
  -- el trigger TRG_PRODUCTOS_PRECIO_HIST.
  -- TODO: para listas de precios completas migrar a BULK COLLECT / FORALL
  v_precio_actual productos.precio_venta%TYPE;
  v_costo         productos.costo_promedio%TYPE;
BEGIN
  IF p_precio_nuevo IS NULL OR p_precio_nuevo <= 0 THEN
    RAISE_APPLICATION_ERROR(-20601, 'El precio debe ser mayor a cero');
  END IF;

  SELECT precio_venta, costo_promedio
    INTO v_precio_actual, v_costo
    FROM productos
   WHERE id_producto = p_id_producto;

  -- Regla comercial: no vender bajo el costo, y variaciones > 30% requieren aprobación
  IF p_precio_nuevo < NVL(v_costo, 0) THEN
    RAISE_APPLICATION_ERROR(-20602, 'El precio ' || p_precio_nuevo || ' es menor al costo promedio ' || v_costo);
  END IF;

  IF v_precio_actual > 0 AND ABS(p_precio_nuevo - v_precio_actual) / v_precio_actual > 0.30 THEN
    RAISE_APPLICATION_ERROR(-20603, 'Variación mayor al 30%; para cambios masivos use la carga BULK COLLECT de precios');
  END IF;

  UPDATE productos
     SET precio_venta = p_precio_nuevo,
         fecha_modificacion = SYSDATE,
         usuario_modificacion = p_usuario
   WHERE id_producto = p_id_producto;

  COMMIT;
EXCEPTION
  WHEN NO_DATA_FOUND THEN
    RAISE_APPLICATION_ERROR(-20604, 'Producto ' || p_id_producto || ' no existe');
END prc_actualizar_precio;
/
procedure prc_actualizar_limite_credito(p_id_cliente in number, p_nuevo_limite in number, p_autorizado_por in varchar2)
is
   v_limite   clientes.limite_credito%type;
   v_saldo    clientes.saldo_pendiente%type;
   v_categoria clientes.categoria%type;
begin
   select limite_credito, saldo_pendiente, categoria
     into v_limite, v_saldo, v_categoria
     from clientes
    where id_cliente = p_id_cliente
      for update;

   if p_nuevo_limite < nvl(v_saldo, 0) then
      raise_application_error(-20610, 'El nuevo límite no puede ser menor al saldo pendiente (' || v_saldo || ')');
   end if;

   -- límites máximos por categoría
   if p_nuevo_limite > case nvl(v_categoria, 'REGULAR')
                          when 'VIP'   then 100000
                          when 'ORO'   then 50000
                          when 'PLATA' then 20000
                          else 5000
                       end then
      raise_application_error(-20611, 'Límite excede el máximo permitido para la categoría ' || v_categoria);
   end if;

   update clientes
      set limite_credito = p_nuevo_limite,
          fecha_modificacion = sysdate,
          usuario_modificacion = upper(p_autorizado_por)
    where id_cliente = p_id_cliente;
end prc_actualizar_limite_credito;
/
PROCEDURE prc_top_clientes(p_anio    IN  NUMBER,
                           p_n       IN  NUMBER DEFAULT 10,
                           p_cursor  OUT SYS_REFCURSOR,
                           p_total_n OUT NUMBER)
IS
  v_desde DATE := TO_DATE(p_anio || '-01-01', 'YYYY-MM-DD');
BEGIN
  -- Total de los "primeros n" pedidos facturados del año (lo usa el tablero comercial).
  -- Ojo: ROWNUM se aplica antes del SUM, toma n filas cualquiera, no los n mayores.
  SELECT SUM(total)
    INTO p_total_n
    FROM pedidos
   WHERE estado = 'FACTURADO'
     AND fecha_pedido >= v_desde
     AND fecha_pedido < ADD_MONTHS(v_desde, 12)
     AND ROWNUM <= p_n;

  OPEN p_cursor FOR
    SELECT *
      FROM (SELECT c.id_cliente,
                   c.razon_social,
                   NVL(c.categoria, 'REGULAR') categoria,
                   COUNT(p.id_pedido)          pedidos,
                   SUM(p.total)                total_comprado,
                   ROUND(SUM(p.total) / NULLIF(COUNT(p.id_pedido), 0), 2) ticket_promedio
              FROM clientes c, pedidos p
             WHERE p.id_cliente = c.id_cliente
               AND p.estado = 'FACTURADO'
               AND p.fecha_pedido >= v_desde
               AND p.fecha_pedido < ADD_MONTHS(v_desde, 12)
             GROUP BY c.id_cliente, c.razon_social, c.categoria
             ORDER BY total_comprado DESC)
     WHERE ROWNUM <= p_n;
END prc_top_clientes;
/
PROCEDURE prc_archivar_registros(p_meses_retencion IN NUMBER DEFAULT 24,
                                 p_archivados      OUT NUMBER,
                                 p_tabla_destino   OUT VARCHAR2)
AUTHID CURRENT_USER
IS
  -- Mueve la bitácora de auditoría antigua a una tabla histórica por año
  -- (AUDITORIA_LOG_HIST_YYYY), creándola si no existe.
  v_corte    DATE := ADD_MONTHS(TRUNC(SYSDATE, 'MM'), -p_meses_retencion);
  v_tabla    VARCHAR2(61);
  v_existe   NUMBER;
  v_max_id   NUMBER;
  v_borrados NUMBER;
  v_sql      VARCHAR2(4000);
  TYPE t_ids IS TABLE OF NUMBER;
  v_ids      t_ids;
  v_fecha_reg DATE;
BEGIN
  IF p_meses_retencion < 12 THEN
    RAISE_APPLICATION_ERROR(-20620, 'La retención mínima legal es de 12 meses');
  END IF;

  v_tabla := 'AUDITORIA_LOG_HIST_' || TO_CHAR(v_corte - 1, 'YYYY');
  p_tabla_destino := 'SEGURIDAD.' || v_tabla;

  SELECT COUNT(*) INTO v_existe FROM all_tables WHERE owner = 'SEGURIDAD' AND table_name = v_tabla;
  IF v_existe = 0 THEN
    EXECUTE IMMEDIATE 'CREATE TABLE seguridad.' || DBMS_ASSERT.simple_sql_name(v_tabla)
                   || ' TABLESPACE seg_hist AS SELECT * FROM seguridad.auditoria_log WHERE 1 = 0';
  END IF;

  v_sql := 'INSERT INTO seguridad.' || v_tabla || ' SELECT * FROM seguridad.auditoria_log WHERE fecha < :corte';
  EXECUTE IMMEDIATE v_sql USING v_corte;
  p_archivados := SQL%ROWCOUNT;

  EXECUTE IMMEDIATE 'SELECT MAX(id_log) FROM seguridad.' || v_tabla INTO v_max_id;

  EXECUTE IMMEDIATE 'DELETE FROM seguridad.auditoria_log WHERE fecha < :corte AND id_log <= :max_id RETURNING id_log INTO :ids'
    USING v_corte, v_max_id RETURNING BULK COLLECT INTO v_ids;
  v_borrados := v_ids.COUNT;

  IF v_borrados <> p_archivados THEN
    ROLLBACK;
    RAISE_APPLICATION_ERROR(-20621, 'Inconsistencia al archivar: copiados ' || p_archivados || ', borrados ' || v_borrados);
  END IF;

  -- estadísticas de la tabla histórica (bloque dinámico con bind de salida)
  EXECUTE IMMEDIATE 'BEGIN DBMS_STATS.gather_table_stats(''SEGURIDAD'', :t); SELECT COUNT(*) INTO :n FROM seguridad.' || v_tabla || '; END;'
    USING IN v_tabla, OUT v_existe;

  EXECUTE IMMEDIATE 'UPDATE seguridad.parametros_sistema SET valor = :v, fecha_modificacion = SYSDATE'
                 || ' WHERE codigo = ''ULTIMO_ARCHIVO_AUDITORIA'' RETURNING fecha_modificacion INTO :f'
    USING p_tabla_destino RETURNING INTO v_fecha_reg;

  COMMIT;
  prc_registrar_auditoria('MANTENIMIENTO', 'ARCHIVO', p_archivados || ' registros a ' || p_tabla_destino || ' (total ' || v_existe || ')');
END prc_archivar_registros;
/
PROCEDURE prc_cierre_mensual(p_anio IN NUMBER DEFAULT NULL, p_mes IN NUMBER DEFAULT NULL)
IS
/*
  Cierre mensual de facturación. Pasos:
    1. Recalcular interés de mora de la cartera vencida
    2. Exportar el CSV de ventas del mes (DIR_REPORTES)
    3. Generar asientos contables del mes
    4. Recalcular costo promedio de inventario
  Cada paso confirma por separado; si un paso falla se registra y se salta
  al final (etiqueta fin_cierre) sin revertir los pasos anteriores.
/
  Se programa con JOB_CIERRE_MENSUAL el día 1 de cada mes.
*/
  v_periodo   DATE;
  v_archivo   VARCHAR2(200);
  v_paso      PLS_INTEGER := 0;
  v_interes   NUMBER;
  v_facturas  PLS_INTEGER := 0;
  v_error     VARCHAR2(4000);

  CURSOR c_vencidas IS
    SELECT id_factura, saldo, fecha_vencimiento
      FROM facturas
     WHERE saldo > 0
       AND estado = 'AUTORIZADA'
       AND fecha_vencimiento < TRUNC(SYSDATE);
  r_venc c_vencidas%ROWTYPE;
BEGIN
  v_periodo := CASE
                 WHEN p_anio IS NULL OR p_mes IS NULL THEN ADD_MONTHS(TRUNC(SYSDATE, 'MM'), -1)
                 ELSE TO_DATE(p_anio || LPAD(p_mes, 2, '0'), 'YYYYMM')
               END;
  DBMS_OUTPUT.put_line('Cierre del período ' || TO_CHAR(v_periodo, 'MM/YYYY'));

  -- Paso 1: mora
  v_paso := 1;
  BEGIN
    OPEN c_vencidas;
    LOOP
      FETCH c_vencidas INTO r_venc;
      EXIT WHEN c_vencidas%NOTFOUND;
      v_interes := fn_calcular_interes_mora(r_venc.saldo, r_venc.fecha_vencimiento, LAST_DAY(v_periodo));
      IF v_interes > 0 THEN
        UPDATE facturas SET saldo = saldo + v_interes WHERE id_factura = r_venc.id_factura;
        v_facturas := v_facturas + 1;
      END IF;
    END LOOP;
    DBMS_OUTPUT.put_line('  Facturas revisadas: ' || c_vencidas%ROWCOUNT || ', con interés: ' || v_facturas);
    CLOSE c_vencidas;
    COMMIT;
  EXCEPTION
    WHEN OTHERS THEN
      IF c_vencidas%ISOPEN THEN
        CLOSE c_vencidas;
      END IF;
      ROLLBACK;
      v_error := 'Paso 1 (mora): ' || SQLERRM;
      GOTO fin_cierre;
  END;

  -- Paso 2: CSV
  v_paso := 2;
  BEGIN
    pkg_reportes.exportar_ventas_csv(TO_NUMBER(TO_CHAR(v_periodo, 'YYYY')), TO_NUMBER(TO_CHAR(v_periodo, 'MM')), v_archivo);
    DBMS_OUTPUT.put_line('  Archivo generado: ' || v_archivo);
  EXCEPTION
    WHEN OTHERS THEN
      -- no es bloqueante: se registra y se continúa
      prc_registrar_auditoria('CIERRE', 'CSV_ERROR', SQLERRM, SQLCODE);
  END;

  -- Paso 3: contabilidad
  v_paso := 3;
  SAVEPOINT antes_asientos;
  BEGIN
    pkg_interfaz_contable.generar_asientos(LAST_DAY(v_periodo));
    COMMIT;
  EXCEPTION
    WHEN OTHERS THEN
      ROLLBACK TO antes_asientos;
      v_error := 'Paso 3 (asientos): ' || SQLCODE || ' ' || SQLERRM;
      GOTO fin_cierre;
  END;

  -- Paso 4: costo promedio
  v_paso := 4;
  inventario.pkg_inventario.recalcular_costo_promedio(v_periodo);
  COMMIT;

  <<fin_cierre>>
  IF v_error IS NOT NULL THEN
    DBMS_OUTPUT.put_line('CIERRE CON ERRORES en paso ' || v_paso || ': ' || v_error);
    prc_registrar_auditoria('CIERRE', 'ERROR', v_error);
  ELSE
    prc_registrar_auditoria('CIERRE', 'OK', 'Período ' || TO_CHAR(v_periodo, 'MM/YYYY'));
  END IF;
END prc_cierre_mensual;
/
PROCEDURE prc_guardar_bodega(p_id_bodega IN NUMBER, p_nombre IN VARCHAR2, p_ciudad IN VARCHAR2, p_activa IN CHAR DEFAULT 'S')
IS
  -- Alta o modificación de bodega. Estándar de código simple: sin MERGE ni
  -- EXECUTE IMMEDIATE, sin PRAGMA AUTONOMOUS_TRANSACTION.
BEGIN
  IF p_nombre IS NULL THEN
    RAISE_APPLICATION_ERROR(-20630, 'El nombre de la bodega es obligatorio');
  END IF;
  IF p_activa NOT IN ('S', 'N') THEN
    RAISE_APPLICATION_ERROR(-20631, 'Valor inválido para ACTIVA: ' || p_activa);
  END IF;

  UPDATE bodegas
     SET nombre = TRIM(p_nombre),
         ciudad = INITCAP(TRIM(p_ciudad)),
         activa = p_activa
   WHERE id_bodega = p_id_bodega;

  IF SQL%ROWCOUNT = 0 THEN
    INSERT INTO bodegas (id_bodega, nombre, ciudad, activa)
    VALUES (p_id_bodega, TRIM(p_nombre), INITCAP(TRIM(p_ciudad)), p_activa);
  END IF;
END prc_guardar_bodega;
/
