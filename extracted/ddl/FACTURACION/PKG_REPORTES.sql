--------------------------------------------------------
--  DDL for Package PKG_REPORTES
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "FACTURACION"."PKG_REPORTES" AS

  TYPE t_ref_cursor IS REF CURSOR;

  c_directorio CONSTANT VARCHAR2(30) := 'DIR_REPORTES';

  PROCEDURE exportar_ventas_csv(p_anio IN NUMBER, p_mes IN NUMBER, p_archivo OUT VARCHAR2);
  FUNCTION fn_xml_factura(p_id_factura IN NUMBER) RETURN CLOB;
  FUNCTION fn_ventas_por_mes(p_anio IN NUMBER, p_id_cliente IN NUMBER DEFAULT NULL) RETURN t_varray_meses;
  PROCEDURE consulta_dinamica(p_sql IN VARCHAR2, p_resultado OUT CLOB);
  FUNCTION fn_cartera_vencida(p_dias IN NUMBER DEFAULT 30) RETURN t_ref_cursor;
  PROCEDURE enviar_resumen_diario(p_fecha IN DATE DEFAULT TRUNC(SYSDATE) - 1);
  PROCEDURE programar_reporte(p_anio IN NUMBER, p_mes IN NUMBER);
END pkg_reportes;

/
--------------------------------------------------------
--  DDL for Package Body PKG_REPORTES
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE BODY "FACTURACION"."PKG_REPORTES" AS

  c_sep CONSTANT VARCHAR2(1) := ';';   -- Excel en español usa ; como separador

  FUNCTION csv(p_valor IN VARCHAR2) RETURN VARCHAR2 IS
  BEGIN
    IF INSTR(p_valor, c_sep) > 0 OR INSTR(p_valor, '"') > 0 THEN
      RETURN '"' || REPLACE(p_valor, '"', '""') || '"';
    END IF;
    RETURN p_valor;
  END csv;

  PROCEDURE exportar_ventas_csv(p_anio IN NUMBER, p_mes IN NUMBER, p_archivo OUT VARCHAR2) IS
    CURSOR c_ventas(cp_desde DATE, cp_hasta DATE) IS
      SELECT f.numero_factura, f.fecha_emision, c.numero_documento, c.razon_social,
             f.subtotal_0, f.subtotal_iva, f.descuento, f.monto_iva, f.total, f.estado
        FROM facturas f, ventas.clientes c
       WHERE c.id_cliente = f.id_cliente
         AND f.fecha_emision >= cp_desde
         AND f.fecha_emision <  cp_hasta
         AND f.estado <> 'ANULADA'
       ORDER BY f.fecha_emision, f.numero_factura;

    r_venta   c_ventas%ROWTYPE;
    v_archivo UTL_FILE.file_type;
    v_desde   DATE;
    v_total   NUMBER := 0;
  BEGIN
    IF p_mes NOT BETWEEN 1 AND 12 THEN
      RAISE_APPLICATION_ERROR(-20401, 'Mes inválido: ' || p_mes);
    END IF;

    v_desde   := TO_DATE(p_anio || LPAD(p_mes, 2, '0') || '01', 'YYYYMMDD');
    p_archivo := 'ventas_' || TO_CHAR(v_desde, 'YYYYMM') || '.csv';
    v_archivo := UTL_FILE.fopen(c_directorio, p_archivo, 'w', 32767);

    UTL_FILE.put_line(v_archivo, 'Factura;Fecha;Identificación;Cliente;Subtotal 0%;Subtotal IVA;Descuento;IVA;Total;Estado');

    OPEN c_ventas(v_desde, ADD_MONTHS(v_desde, 1));
    LOOP
      FETCH c_ventas INTO r_venta;
      EXIT WHEN c_ventas%NOTFOUND;
      UTL_FILE.put_line(v_archivo,
           r_venta.numero_factura || c_sep || TO_CHAR(r_venta.fecha_emision, 'DD/MM/YYYY') || c_sep
        || r_venta.numero_documento || c_sep || csv(r_venta.razon_social) || c_sep
        || TO_CHAR(r_venta.subtotal_0, 'FM999999990D00', 'NLS_NUMERIC_CHARACTERS='',.''') || c_sep
        || TO_CHAR(r_venta.subtotal_iva, 'FM999999990D00', 'NLS_NUMERIC_CHARACTERS='',.''') || c_sep
        || TO_CHAR(r_venta.descuento, 'FM999999990D00', 'NLS_NUMERIC_CHARACTERS='',.''') || c_sep
        || TO_CHAR(r_venta.monto_iva, 'FM999999990D00', 'NLS_NUMERIC_CHARACTERS='',.''') || c_sep
        || TO_CHAR(r_venta.total, 'FM999999990D00', 'NLS_NUMERIC_CHARACTERS='',.''') || c_sep
        || r_venta.estado);
      v_total := v_total + r_venta.total;
    END LOOP;

    UTL_FILE.put_line(v_archivo, 'TOTAL;;;;;;;;' || TO_CHAR(v_total, 'FM999999990D00', 'NLS_NUMERIC_CHARACTERS='',.'''));
    DBMS_OUTPUT.put_line(p_archivo || ': ' || c_ventas%ROWCOUNT || ' facturas');
    CLOSE c_ventas;
    UTL_FILE.fclose(v_archivo);
  EXCEPTION
    WHEN UTL_FILE.invalid_path OR UTL_FILE.invalid_operation THEN
      IF c_ventas%ISOPEN THEN CLOSE c_ventas; END IF;
      RAISE_APPLICATION_ERROR(-20402, 'No se puede escribir en ' || c_directorio || '/' || p_archivo);
    WHEN OTHERS THEN
      IF c_ventas%ISOPEN THEN
        CLOSE c_ventas;
      END IF;
      IF UTL_FILE.is_open(v_archivo) THEN
        UTL_FILE.fclose(v_archivo);
      END IF;
      RAISE;
  END exportar_ventas_csv;

  FUNCTION fn_xml_factura(p_id_factura IN NUMBER) RETURN CLOB IS
    v_ctx   DBMS_XMLGEN.ctxHandle;
    v_xml   CLOB;
    v_doc   XMLTYPE;
  BEGIN
    v_ctx := DBMS_XMLGEN.newContext(
      'SELECT f.numero_factura AS "numero", TO_CHAR(f.fecha_emision, ''DD/MM/YYYY'') AS "fechaEmision",
              f.clave_acceso AS "claveAcceso", f.total AS "importeTotal",
              CURSOR(SELECT l.id_producto AS "codigoPrincipal", l.descripcion AS "descripcion",
                            l.cantidad AS "cantidad", l.precio_unitario AS "precioUnitario",
                            l.porcentaje_iva AS "tarifa"
                       FROM factura_lineas l WHERE l.id_factura = f.id_factura ORDER BY l.nro_linea) AS "detalles"
         FROM facturas f
        WHERE f.id_factura = :id');
    DBMS_XMLGEN.setBindValue(v_ctx, 'id', TO_CHAR(p_id_factura));
    DBMS_XMLGEN.setRowSetTag(v_ctx, 'factura');
    DBMS_XMLGEN.setRowTag(v_ctx, 'infoFactura');
    DBMS_XMLGEN.setNullHandling(v_ctx, DBMS_XMLGEN.EMPTY_TAG);
    v_xml := DBMS_XMLGEN.getXML(v_ctx);
    DBMS_XMLGEN.closeContext(v_ctx);

    IF v_xml IS NULL OR DBMS_LOB.getlength(v_xml) = 0 THEN
      RAISE_APPLICATION_ERROR(-20403, 'Factura ' || p_id_factura || ' no encontrada para XML');
    END IF;

    -- valida que sea XML bien formado y agrega atributos de versión
    v_doc := XMLTYPE(v_xml);
    SELECT XMLSERIALIZE(DOCUMENT
             XMLQUERY('copy $d := $x modify insert node attribute version {"1.1.0"} into $d/factura return $d'
                      PASSING v_doc AS "x" RETURNING CONTENT)
             AS CLOB INDENT)
      INTO v_xml
      FROM dual;
    RETURN v_xml;
  END fn_xml_factura;

  FUNCTION fn_ventas_por_mes(p_anio IN NUMBER, p_id_cliente IN NUMBER DEFAULT NULL) RETURN t_varray_meses IS
    v_meses t_varray_meses := t_varray_meses();
  BEGIN
    -- un valor por mes aunque no haya ventas (outer join con el generador de meses)
    FOR r IN (SELECT m.nro_mes, NVL(SUM(f.total), 0) AS total
                FROM (SELECT LEVEL AS nro_mes,
                             ADD_MONTHS(TO_DATE(p_anio || '0101', 'YYYYMMDD'), LEVEL - 1) AS inicio
                        FROM dual
                     CONNECT BY LEVEL <= 12) m,
                     (SELECT fecha_emision, total, estado
                        FROM facturas
                       WHERE id_cliente = NVL(p_id_cliente, id_cliente)
                         AND estado IN ('AUTORIZADA', 'PAGADA')) f
               WHERE f.fecha_emision (+) >= m.inicio
                 AND f.fecha_emision (+) <  ADD_MONTHS(m.inicio, 1)
               GROUP BY m.nro_mes
               ORDER BY m.nro_mes)
    LOOP
      v_meses.EXTEND;
      v_meses(v_meses.LAST) := r.total;
    END LOOP;
    RETURN v_meses;
  END fn_ventas_por_mes;

  PROCEDURE consulta_dinamica(p_sql IN VARCHAR2, p_resultado OUT CLOB) IS
    v_cursor   INTEGER;
    v_filas    INTEGER;
    v_ncols    INTEGER;
    v_desc     DBMS_SQL.desc_tab2;
    v_valor    VARCHAR2(4000);
    v_linea    VARCHAR2(32767);
  BEGIN
    IF NOT REGEXP_LIKE(LTRIM(p_sql), '^select\s', 'i') THEN
      RAISE_APPLICATION_ERROR(-20404, 'Solo se permiten consultas SELECT');
    END IF;

    DBMS_LOB.createtemporary(p_resultado, TRUE);
    v_cursor := DBMS_SQL.open_cursor;
    DBMS_SQL.parse(v_cursor, p_sql, DBMS_SQL.native);
    DBMS_SQL.describe_columns2(v_cursor, v_ncols, v_desc);

    v_linea := NULL;
    FOR i IN 1 .. v_ncols LOOP
      DBMS_SQL.define_column(v_cursor, i, v_valor, 4000);
      v_linea := v_linea || CASE WHEN i > 1 THEN c_sep END || v_desc(i).col_name;
    END LOOP;
    DBMS_LOB.writeappend(p_resultado, LENGTH(v_linea) + 1, v_linea || CHR(10));

    v_filas := DBMS_SQL.execute(v_cursor);
    WHILE DBMS_SQL.fetch_rows(v_cursor) > 0 LOOP
      v_linea := NULL;
      FOR i IN 1 .. v_ncols LOOP
        DBMS_SQL.column_value(v_cursor, i, v_valor);
        v_linea := v_linea || CASE WHEN i > 1 THEN c_sep END || csv(v_valor);
      END LOOP;
      DBMS_LOB.writeappend(p_resultado, LENGTH(v_linea) + 1, v_linea || CHR(10));
    END LOOP;

    DBMS_SQL.close_cursor(v_cursor);
  EXCEPTION
    WHEN OTHERS THEN
      IF DBMS_SQL.is_open(v_cursor) THEN
        DBMS_SQL.close_cursor(v_cursor);
      END IF;
      RAISE;
  END consulta_dinamica;

  FUNCTION fn_cartera_vencida(p_dias IN NUMBER DEFAULT 30) RETURN t_ref_cursor IS
    v_cur t_ref_cursor;
  BEGIN
    OPEN v_cur FOR
      SELECT f.numero_factura, c.razon_social, f.fecha_vencimiento,
             TRUNC(SYSDATE) - f.fecha_vencimiento AS dias_mora,
             f.saldo,
             fn_calcular_interes_mora(f.saldo, f.fecha_vencimiento, SYSDATE) AS interes
        FROM facturas f
        JOIN ventas.clientes c ON c.id_cliente = f.id_cliente
       WHERE f.saldo > 0
         AND f.estado IN ('AUTORIZADA')
         AND f.fecha_vencimiento < TRUNC(SYSDATE) - p_dias
       ORDER BY dias_mora DESC;
    RETURN v_cur;
  END fn_cartera_vencida;

  PROCEDURE enviar_resumen_diario(p_fecha IN DATE DEFAULT TRUNC(SYSDATE) - 1) IS
    v_cantidad  NUMBER;
    v_total     NUMBER;
    v_para      seguridad.parametros_sistema.valor%TYPE;
    v_cuerpo    VARCHAR2(32767);
  BEGIN
    SELECT COUNT(*), NVL(SUM(total), 0)
      INTO v_cantidad, v_total
      FROM facturas
     WHERE fecha_emision >= p_fecha
       AND fecha_emision < p_fecha + 1
       AND estado <> 'ANULADA';

    SELECT valor INTO v_para FROM seguridad.parametros_sistema WHERE codigo = 'MAIL_GERENCIA';

    v_cuerpo := 'Estimados,

Resumen de facturación del ' || TO_CHAR(p_fecha, 'DD/MM/YYYY') || ':
  Facturas emitidas: ' || v_cantidad || '
  Total facturado:   USD ' || TO_CHAR(v_total, 'FM999G999G990D00') || '
/
Este correo es generado automáticamente, por favor no responder.';

    UTL_MAIL.send(sender     => 'backoffice@empresa.example',
                  recipients => v_para,
                  subject    => 'Resumen de facturación ' || TO_CHAR(p_fecha, 'DD/MM/YYYY'),
                  message    => v_cuerpo,
                  mime_type  => 'text/plain; charset=UTF-8');
  EXCEPTION
    WHEN OTHERS THEN
      seguridad.prc_registrar_auditoria('PKG_REPORTES', 'MAIL_ERROR', SQLERRM, SQLCODE);
  END enviar_resumen_diario;

  PROCEDURE programar_reporte(p_anio IN NUMBER, p_mes IN NUMBER) IS
    v_job VARCHAR2(30) := 'RPT_VENTAS_' || p_anio || LPAD(p_mes, 2, '0');
  BEGIN
    DBMS_SCHEDULER.create_job(
      job_name   => v_job,
      job_type   => 'PLSQL_BLOCK',
      job_action => 'DECLARE v_archivo VARCHAR2(100); BEGIN facturacion.pkg_reportes.exportar_ventas_csv('
                    || p_anio || ', ' || p_mes || ', v_archivo); END;',
      start_date => SYSTIMESTAMP + INTERVAL '5' MINUTE,
      enabled    => TRUE,
      auto_drop  => TRUE,
      comments   => 'Reporte de ventas ' || LPAD(p_mes, 2, '0') || '/' || p_anio);
  END programar_reporte;

END pkg_reportes;

/
SHOW ERRORS
