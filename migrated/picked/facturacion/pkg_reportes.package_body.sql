-- FACTURACION.PKG_REPORTES (PACKAGE BODY) from extracted/ddl/FACTURACION/PKG_REPORTES.sql:25
-- review (line 59): UTL_FILE works on S3 through utl_file_utility (deploy/sql/utl_file_utility): each directory needs a row of utl_file_utility.directories, a file reaches S3 whole at FFLUSH and FCLOSE, and lines written in a transaction or block that rolls back are lost
-- review (line 66): C_VENTAS%NOTFOUND became FOUND, which the last FETCH of any cursor sets
-- review (line 70): TO_CHAR: the NLS argument was left out
-- review (line 71): TO_CHAR: the NLS argument was left out
-- review (line 72): TO_CHAR: the NLS argument was left out
-- review (line 73): TO_CHAR: the NLS argument was left out
-- review (line 74): TO_CHAR: the NLS argument was left out
-- review (line 79): TO_CHAR: the NLS argument was left out
-- unsupported (line 102): DBMS_XMLGEN has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 111): DBMS_XMLGEN.SETBINDVALUE has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 112): DBMS_XMLGEN.SETROWSETTAG has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 113): DBMS_XMLGEN.SETROWTAG has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 114): DBMS_XMLGEN has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 114): DBMS_XMLGEN.SETNULLHANDLING has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 115): DBMS_XMLGEN has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 116): DBMS_XMLGEN.CLOSECONTEXT has no equivalent on PostgreSQL; left as written. query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags and NULL handling differ and must be matched by hand.
-- unsupported (line 161): type DBMS_SQL.DESC_TAB2 has no PostgreSQL equivalent
-- unsupported (line 170): DBMS_SQL has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 171): DBMS_SQL has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 171): DBMS_SQL.PARSE has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 172): DBMS_SQL.DESCRIBE_COLUMNS2 has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 176): DBMS_SQL.DEFINE_COLUMN has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 181): DBMS_SQL has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 182): DBMS_SQL has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 185): DBMS_SQL.COLUMN_VALUE has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 191): DBMS_SQL.CLOSE_CURSOR has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 194): DBMS_SQL has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 195): DBMS_SQL.CLOSE_CURSOR has no equivalent on PostgreSQL; left as written. Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) needs a query on the catalogue or a refcursor; there are no cursor numbers.
-- unsupported (line 240): UTL_MAIL.SEND has no equivalent on PostgreSQL; left as written. Send through a Lambda calling Amazon SES (aws_lambda.invoke), or write to an outbox table the application sends from; attachments go through S3.
-- review (line 247): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest
-- unsupported (line 253): DBMS_SCHEDULER.CREATE_JOB has no equivalent on PostgreSQL; left as written. Jobs are redefined, not converted: pg_cron on Aurora for SQL jobs, Amazon EventBridge Scheduler with a Lambda for chains, external programs and calendars pg_cron cannot express.

CREATE SCHEMA IF NOT EXISTS pkg_reportes;

-- constant c_sep
CREATE OR REPLACE FUNCTION pkg_reportes.c_sep() RETURNS varchar(1)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (';')::varchar(1) $body$;

-- Excel en español usa ; como separador
CREATE OR REPLACE FUNCTION pkg_reportes.csv(p_valor varchar)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    IF strpos(p_valor, pkg_reportes.c_sep()) > 0 OR strpos(p_valor, '"') > 0 THEN
        RETURN concat('"', REPLACE(p_valor, '"', '""'), '"');
    END IF;
    RETURN p_valor;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_reportes.exportar_ventas_csv(
    p_anio numeric,
    p_mes numeric,
    OUT p_archivo varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    c_ventas_isopen boolean := false;
    c_ventas_rowcount integer := 0;
    c_ventas CURSOR (cp_desde timestamp(0), cp_hasta timestamp(0)) FOR SELECT f.numero_factura, f.fecha_emision, c.numero_documento, c.razon_social,
              f.subtotal_0, f.subtotal_iva, f.descuento, f.monto_iva, f.total, f.estado
         FROM facturas f, ventas.clientes c
        WHERE c.id_cliente = f.id_cliente
          AND f.fecha_emision >= cp_desde
          AND f.fecha_emision <  cp_hasta
          AND f.estado <> 'ANULADA'
        ORDER BY f.fecha_emision, f.numero_factura;
    r_venta record;
    v_archivo utl_file_utility.file_type;
    v_desde timestamp(0);
    v_total numeric := 0;
BEGIN
    IF p_mes NOT BETWEEN 1 AND 12 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0401', MESSAGE = concat('Mes inválido: ', p_mes);
    END IF;
    v_desde := to_timestamp(concat(p_anio, lpad((p_mes)::text, 2, '0'), '01'), 'YYYYMMDD')::timestamp(0);
    p_archivo := concat('ventas_', TO_CHAR(v_desde, 'YYYYMM'), '.csv');
    v_archivo := utl_file_utility.fopen(pkg_reportes.c_directorio(), p_archivo, 'w', 32767);
    PERFORM utl_file_utility.put_line(v_archivo, 'Factura;Fecha;Identificación;Cliente;Subtotal 0%;Subtotal IVA;Descuento;IVA;Total;Estado');
    OPEN c_ventas(v_desde, ADD_MONTHS(v_desde, 1));
    c_ventas_rowcount := 0;
    c_ventas_isopen := true;
    LOOP
        FETCH c_ventas INTO r_venta;
        IF FOUND THEN c_ventas_rowcount := c_ventas_rowcount + 1; END IF;
        EXIT WHEN (NOT FOUND);
        PERFORM utl_file_utility.put_line(v_archivo, concat(r_venta.numero_factura, pkg_reportes.c_sep(), TO_CHAR(r_venta.fecha_emision, 'DD/MM/YYYY'), pkg_reportes.c_sep(), r_venta.numero_documento, pkg_reportes.c_sep(), pkg_reportes.csv(r_venta.razon_social), pkg_reportes.c_sep(), to_char(r_venta.subtotal_0, 'FM999999990D00'), pkg_reportes.c_sep(), to_char(r_venta.subtotal_iva, 'FM999999990D00'), pkg_reportes.c_sep(), to_char(r_venta.descuento, 'FM999999990D00'), pkg_reportes.c_sep(), to_char(r_venta.monto_iva, 'FM999999990D00'), pkg_reportes.c_sep(), to_char(r_venta.total, 'FM999999990D00'), pkg_reportes.c_sep(), r_venta.estado));
        v_total := v_total + r_venta.total;
    END LOOP;
    PERFORM utl_file_utility.put_line(v_archivo, concat('TOTAL;;;;;;;;', to_char(v_total, 'FM999999990D00')));
    RAISE NOTICE '%', concat(p_archivo, ': ', c_ventas_rowcount, ' facturas');
    CLOSE c_ventas;
    c_ventas_isopen := false;
    v_archivo := utl_file_utility.fclose(v_archivo);
EXCEPTION
    WHEN SQLSTATE 'UF001' OR SQLSTATE 'UF004' THEN
        IF (c_ventas_isopen AND EXISTS (SELECT FROM pg_catalog.pg_cursors WHERE pg_catalog.pg_cursors.name = c_ventas::text)) THEN
            CLOSE c_ventas;
            c_ventas_isopen := false;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'U0402', MESSAGE = concat('No se puede escribir en ', pkg_reportes.c_directorio(), '/', p_archivo);
    WHEN OTHERS THEN
        IF (c_ventas_isopen AND EXISTS (SELECT FROM pg_catalog.pg_cursors WHERE pg_catalog.pg_cursors.name = c_ventas::text)) THEN
            CLOSE c_ventas;
            c_ventas_isopen := false;
        END IF;
        IF utl_file_utility.is_open(v_archivo) THEN
            v_archivo := utl_file_utility.fclose(v_archivo);
        END IF;
        RAISE;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_reportes.fn_xml_factura(p_id_factura numeric)
RETURNS text
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_ctx numeric;
    v_xml text;
    v_doc xml;
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
    CALL dbms_xmlgen.setbindvalue(v_ctx, 'id', (p_id_factura)::text);
    CALL dbms_xmlgen.setrowsettag(v_ctx, 'factura');
    CALL dbms_xmlgen.setrowtag(v_ctx, 'infoFactura');
    CALL dbms_xmlgen.setnullhandling(v_ctx, DBMS_XMLGEN.EMPTY_TAG);
    v_xml := DBMS_XMLGEN.getXML(v_ctx);
    CALL dbms_xmlgen.closecontext(v_ctx);
    IF v_xml IS NULL OR length(v_xml) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0403', MESSAGE = concat('Factura ', p_id_factura, ' no encontrada para XML');
    END IF;
    -- valida que sea XML bien formado y agrega atributos de versión
    v_doc := xmlparse(document v_xml);
    SELECT XMLSERIALIZE(DOCUMENT
               XMLQUERY('copy $d := $x modify insert node attribute version {"1.1.0"} into $d/factura return $d'
                        PASSING v_doc AS "x" RETURNING CONTENT)
               AS CLOB INDENT)
        INTO STRICT v_xml;
    RETURN v_xml;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_reportes.fn_ventas_por_mes(
    p_anio numeric,
    p_id_cliente numeric DEFAULT NULL
)
RETURNS numeric(14,2)[]
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r record;
    v_meses numeric(14,2)[] := ARRAY[]::numeric(14,2)[];
BEGIN
    -- un valor por mes aunque no haya ventas (outer join con el generador de meses)
    FOR r IN SELECT m.nro_mes, coalesce(SUM(f.total), 0) AS total
         FROM (SELECT LEVEL AS nro_mes,
                      ADD_MONTHS(to_timestamp(concat(p_anio, '0101'), 'YYYYMMDD')::timestamp(0), LEVEL - 1) AS inicio
              FROM generate_series(1, 12) AS connect_by(level)) m LEFT JOIN
              (SELECT fecha_emision, total, estado
                 FROM facturas
                WHERE id_cliente = coalesce(p_id_cliente, id_cliente)
                  AND estado IN ('AUTORIZADA', 'PAGADA')) f ON f.fecha_emision >= m.inicio AND f.fecha_emision <  ADD_MONTHS(m.inicio, 1)
        GROUP BY m.nro_mes
        ORDER BY m.nro_mes LOOP
        v_meses := array_append(v_meses, NULL::numeric(14,2));
        v_meses[array_upper(v_meses, 1)] := r.total;
    END LOOP;
    RETURN v_meses;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_reportes.consulta_dinamica(
    p_sql varchar,
    OUT p_resultado text
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_cursor numeric(38);
    v_filas numeric(38);
    v_ncols numeric(38);
    v_desc DBMS_SQL.desc_tab2;
    v_valor varchar(4000);
    v_linea varchar(32767);
BEGIN
    IF NOT REGEXP_LIKE(LTRIM(p_sql), '^select\s', 'i') THEN
        RAISE EXCEPTION USING ERRCODE = 'U0404', MESSAGE = 'Solo se permiten consultas SELECT';
    END IF;
    p_resultado := '';
    v_cursor := DBMS_SQL.open_cursor;
    CALL dbms_sql.parse(v_cursor, p_sql, DBMS_SQL.native);
    CALL dbms_sql.describe_columns2(v_cursor, v_ncols, v_desc);
    v_linea := NULL;
    FOR i IN 1..v_ncols LOOP
        CALL dbms_sql.define_column(v_cursor, i, v_valor, 4000);
        v_linea := concat(v_linea, CASE WHEN i > 1 THEN pkg_reportes.c_sep() END, v_desc(i).col_name);
    END LOOP;
    p_resultado := p_resultado || substr(concat(v_linea, chr((10)::integer)), 1, trunc(LENGTH(v_linea) + 1)::integer);
    v_filas := DBMS_SQL.execute(v_cursor);
    WHILE DBMS_SQL.fetch_rows(v_cursor) > 0 LOOP
        v_linea := NULL;
        FOR i IN 1..v_ncols LOOP
            CALL dbms_sql.column_value(v_cursor, i, v_valor);
            v_linea := concat(v_linea, CASE WHEN i > 1 THEN pkg_reportes.c_sep() END, pkg_reportes.csv(v_valor));
        END LOOP;
        p_resultado := p_resultado || substr(concat(v_linea, chr((10)::integer)), 1, trunc(LENGTH(v_linea) + 1)::integer);
    END LOOP;
    CALL dbms_sql.close_cursor(v_cursor);
EXCEPTION
    WHEN OTHERS THEN
        IF DBMS_SQL.is_open(v_cursor) THEN
            CALL dbms_sql.close_cursor(v_cursor);
        END IF;
        RAISE;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_reportes.fn_cartera_vencida(p_dias numeric DEFAULT 30)
RETURNS refcursor
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_cur refcursor;
BEGIN
    OPEN v_cur FOR SELECT f.numero_factura, c.razon_social, f.fecha_vencimiento,
              TRUNC(clock_timestamp()::timestamp(0)) - f.fecha_vencimiento AS dias_mora,
              f.saldo,
              fn_calcular_interes_mora(f.saldo, f.fecha_vencimiento, clock_timestamp()::timestamp(0)) AS interes
         FROM facturas f
         JOIN ventas.clientes c ON c.id_cliente = f.id_cliente
        WHERE f.saldo > 0
          AND f.estado IN ('AUTORIZADA')
          AND f.fecha_vencimiento < TRUNC(clock_timestamp()::timestamp(0)) - p_dias
        ORDER BY dias_mora DESC;
    RETURN v_cur;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_reportes.enviar_resumen_diario(p_fecha timestamp(0) DEFAULT TRUNC(clock_timestamp()::timestamp(0)) - interval '1 day')
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_cantidad numeric;
    v_total numeric;
    v_para seguridad.parametros_sistema.valor%TYPE;
    v_cuerpo varchar(32767);
BEGIN
    SELECT COUNT(*), coalesce(SUM(total), 0)
         INTO STRICT v_cantidad, v_total
         FROM facturas
        WHERE fecha_emision >= p_fecha
          AND fecha_emision < p_fecha + interval '1 day'
          AND estado <> 'ANULADA';
    SELECT valor INTO STRICT v_para FROM seguridad.parametros_sistema WHERE codigo = 'MAIL_GERENCIA';
    v_cuerpo := concat('Estimados,

Resumen de facturación del ', TO_CHAR(p_fecha, 'DD/MM/YYYY'), ':
  Facturas emitidas: ', v_cantidad, '
  Total facturado:   USD ', TO_CHAR(v_total, 'FM999G999G990D00'), '
/
Este correo es generado automáticamente, por favor no responder.');
    CALL utl_mail.send(sender     => 'backoffice@empresa.example', recipients => v_para, subject    => concat('Resumen de facturación ', TO_CHAR(p_fecha, 'DD/MM/YYYY')), message    => v_cuerpo, mime_type  => 'text/plain; charset=UTF-8');
EXCEPTION
    WHEN OTHERS THEN
        CALL seguridad.prc_registrar_auditoria('PKG_REPORTES', 'MAIL_ERROR', SQLERRM, (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_reportes.programar_reporte(
    p_anio numeric,
    p_mes numeric
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_job varchar(30) := concat('RPT_VENTAS_', p_anio, lpad((p_mes)::text, 2, '0'));
BEGIN
    CALL dbms_scheduler.create_job(job_name   => v_job, job_type   => 'PLSQL_BLOCK', job_action => concat('DECLARE v_archivo VARCHAR2(100); BEGIN facturacion.pkg_reportes.exportar_ventas_csv(', p_anio, ', ', p_mes, ', v_archivo); END;'), start_date => clock_timestamp() + interval '1 day' * INTERVAL '5' MINUTE, enabled    => TRUE, auto_drop  => TRUE, comments   => concat('Reporte de ventas ', lpad((p_mes)::text, 2, '0'), '/', p_anio));
END;
$body$;
