-- FACTURACION.PRC_SINCRONIZAR_CONTABILIDAD (PROCEDURE) from extracted/ddl/FACTURACION/PRC_SINCRONIZAR_CONTABILIDAD.sql:6
-- review (line 6): defaults dropped: PostgreSQL allows no OUT parameter after a defaulted one, so callers must pass every argument
-- review (line 13): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- review (line 32): associative arrays indexed by integers are PostgreSQL arrays (here and below): an index between the lowest and highest assigned exists, NULL, so COUNT, EXISTS, NEXT and PRIOR see it where Oracle skips it, and keys far apart make a large array
-- unsupported (line 68): FORALL ... SAVE EXCEPTIONS: the first error stops the loop
-- unsupported (line 79): SQL%BULK_EXCEPTIONS has no PostgreSQL equivalent
-- unsupported (line 80): SQL%BULK_EXCEPTIONS has no PostgreSQL equivalent
-- unsupported (line 82): SQL%BULK_EXCEPTIONS has no PostgreSQL equivalent
-- unsupported (line 113): COMMIT inside a block with an EXCEPTION handler: PostgreSQL refuses it (cannot commit while a subtransaction is active)
-- review (line 125): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest

CREATE OR REPLACE PROCEDURE facturacion.prc_sincronizar_contabilidad(
    p_fecha_hasta timestamp(0),
    OUT p_enviadas numeric,
    OUT p_errores numeric
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    c_pendientes_isopen boolean := false;
    v_lote_row record;
    -- Envía las facturas autorizadas al ERP contable (base remota, DBLINK_CONTABLE).
    -- Se ejecuta cada noche desde el job JOB_SINC_CONTABLE (ver jobs.sql).
    c_lote CONSTANT integer := 500;
    c_pendientes CURSOR FOR SELECT f.id_factura, f.numero_factura, f.fecha_emision, f.id_cliente,
              f.subtotal_0, f.subtotal_iva, f.descuento, f.monto_iva, f.total,
              p.id_bodega
         FROM facturas f
         JOIN ventas.pedidos p ON p.id_pedido = f.id_pedido
        WHERE f.estado IN ('AUTORIZADA', 'PAGADA')
          AND f.fecha_emision < p_fecha_hasta + interval '1 day'
          AND NOT EXISTS (SELECT 1 FROM control_sincronizacion cs
                           WHERE cs.id_factura = f.id_factura AND cs.estado = 'OK');
    v_lote record[];
    v_ids_error numeric(12,0)[];
    v_msg_error varchar(1000)[];
    v_cta_cli varchar(20)[];
    v_ccosto varchar(20)[];
    v_cta_ventas varchar(20);
    v_cta_iva varchar(20);
    v_idx integer;
    v_asiento numeric;
    v_estado control_sincronizacion.estado%TYPE;
    -- exception e_errores_bulk: raised and caught as SQLSTATE 'U1473'
    -- e_errores_bulk is SQLSTATE 'U2381' (PRAGMA EXCEPTION_INIT)
BEGIN
    p_enviadas := 0;
    p_errores := 0;
    v_cta_ventas := pkg_interfaz_contable.fn_cuenta_contable('VENTAS');
    v_cta_iva := pkg_interfaz_contable.fn_cuenta_contable('IVA');
    OPEN c_pendientes;
    c_pendientes_isopen := true;
    LOOP
        v_lote := ARRAY[]::record[];
        LOOP
            EXIT WHEN coalesce(cardinality(v_lote), 0) >= c_lote;
            FETCH c_pendientes INTO v_lote_row;
            EXIT WHEN NOT FOUND;
            v_lote := array_append(v_lote, v_lote_row);
        END LOOP;
        EXIT WHEN coalesce(cardinality(v_lote), 0) = 0;
        v_ids_error := ARRAY[]::facturas.id_factura%TYPE[];
        v_msg_error := ARRAY[]::varchar(1000)[];
        SELECT conta.seq_asientos.NEXTVAL@dblink_contable INTO STRICT v_asiento;
        -- cuentas y centros de costo se resuelven localmente antes del INSERT remoto
        FOR i IN 1..coalesce(cardinality(v_lote), 0) LOOP
            v_cta_cli[i] := pkg_interfaz_contable.fn_cuenta_contable('CLIENTES', (v_lote[i]).id_bodega);
            v_ccosto[i] := pkg_interfaz_contable.fn_centro_costo((v_lote[i]).id_bodega);
        END LOOP;
        BEGIN
            FOR i IN 1..coalesce(cardinality(v_lote), 0) LOOP
                INSERT INTO conta.asientos_contables@dblink_contable
                      (id_asiento, fecha, referencia, cuenta_debe, cuenta_haber, cuenta_iva,
                       valor_neto, valor_iva, valor_total, centro_costo, origen)
                    VALUES
                      (v_asiento * 1000 + i, (v_lote[i]).fecha_emision, (v_lote[i]).numero_factura,
                       v_cta_cli[i], v_cta_ventas, v_cta_iva,
                       (v_lote[i]).subtotal_0 + (v_lote[i]).subtotal_iva - (v_lote[i]).descuento, (v_lote[i]).monto_iva, (v_lote[i]).total,
                       v_ccosto[i], 'BACKOFFICE');
            END LOOP;
        EXCEPTION
            WHEN SQLSTATE 'U2381' THEN
                FOR j IN 1..SQL%BULK_EXCEPTIONS.COUNT LOOP
                    v_idx := SQL%BULK_EXCEPTIONS(j).ERROR_INDEX;
                    v_ids_error[(v_lote[v_idx]).id_factura] := (v_lote[v_idx]).id_factura;
                    v_msg_error[(v_lote[v_idx]).id_factura] := SQLERRM(-SQL%BULK_EXCEPTIONS(j).ERROR_CODE);
                END LOOP;
        END;
        FOR i IN 1..coalesce(cardinality(v_lote), 0) LOOP
            v_estado := CASE WHEN ((v_lote[i]).id_factura BETWEEN array_lower(v_ids_error, 1) AND array_upper(v_ids_error, 1)) THEN 'ERROR' ELSE 'OK' END;
            MERGE INTO control_sincronizacion cs
                USING (SELECT (v_lote[i]).id_factura AS id_factura) x
                   ON (cs.id_factura = x.id_factura)
                 WHEN MATCHED THEN
                   UPDATE SET fecha_sincronizacion = clock_timestamp()::timestamp(0),
                              estado  = v_estado,
                              asiento_erp = v_asiento,
                              mensaje = NULL
                 WHEN NOT MATCHED THEN
                   INSERT (id_factura, fecha_sincronizacion, estado, asiento_erp)
                   VALUES (x.id_factura, clock_timestamp()::timestamp(0), v_estado, v_asiento);
        END LOOP;
        -- mensajes de error (no se pueden referenciar colecciones INDEX BY dentro del MERGE)
        v_idx := array_lower(v_msg_error, 1);
        WHILE v_idx IS NOT NULL LOOP
            UPDATE control_sincronizacion
                  SET estado = 'ERROR', mensaje = SUBSTR(v_msg_error[v_idx], 1, 1000)
                WHERE id_factura = v_idx;
            v_idx := CASE WHEN v_idx < array_upper(v_msg_error, 1) THEN v_idx + 1 END;
        END LOOP;
        p_errores := p_errores + coalesce(cardinality(v_ids_error), 0);
        p_enviadas := p_enviadas + coalesce(cardinality(v_lote), 0) - coalesce(cardinality(v_ids_error), 0);
        COMMIT;
    END LOOP;
    CLOSE c_pendientes;
    c_pendientes_isopen := false;
    CALL seguridad.prc_registrar_auditoria('CONTABILIDAD', 'SINCRONIZACION', concat('Enviadas: ', p_enviadas, ' Errores: ', p_errores, ' hasta ', TO_CHAR(p_fecha_hasta, 'DD/MM/YYYY')));
EXCEPTION
    WHEN OTHERS THEN
        IF (c_pendientes_isopen AND EXISTS (SELECT FROM pg_catalog.pg_cursors WHERE pg_catalog.pg_cursors.name = c_pendientes::text)) THEN
            CLOSE c_pendientes;
            c_pendientes_isopen := false;
        END IF;
        ROLLBACK;
        CALL seguridad.prc_registrar_auditoria('CONTABILIDAD', 'SINCRONIZACION_ERROR', SQLERRM, (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
        RAISE;
END;
$body$;
