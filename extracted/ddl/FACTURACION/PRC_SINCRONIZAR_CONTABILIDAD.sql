--------------------------------------------------------
--  DDL for Procedure PRC_SINCRONIZAR_CONTABILIDAD
--------------------------------------------------------
set define off;

  CREATE OR REPLACE EDITIONABLE PROCEDURE "FACTURACION"."PRC_SINCRONIZAR_CONTABILIDAD" (
  p_fecha_hasta IN DATE DEFAULT TRUNC(SYSDATE),
  p_enviadas    OUT NUMBER,
  p_errores     OUT NUMBER
) AS
  -- Envía las facturas autorizadas al ERP contable (base remota, DBLINK_CONTABLE).
  -- Se ejecuta cada noche desde el job JOB_SINC_CONTABLE (ver jobs.sql).
  c_lote CONSTANT PLS_INTEGER := 500;

  CURSOR c_pendientes IS
    SELECT f.id_factura, f.numero_factura, f.fecha_emision, f.id_cliente,
           f.subtotal_0, f.subtotal_iva, f.descuento, f.monto_iva, f.total,
           p.id_bodega
      FROM facturas f
      JOIN ventas.pedidos p ON p.id_pedido = f.id_pedido
     WHERE f.estado IN ('AUTORIZADA', 'PAGADA')
       AND f.fecha_emision < p_fecha_hasta + 1
       AND NOT EXISTS (SELECT 1 FROM control_sincronizacion cs
                        WHERE cs.id_factura = f.id_factura AND cs.estado = 'OK');

  TYPE t_pendientes IS TABLE OF c_pendientes%ROWTYPE;
  TYPE t_ids        IS TABLE OF facturas.id_factura%TYPE INDEX BY PLS_INTEGER;
  TYPE t_errores    IS TABLE OF VARCHAR2(1000) INDEX BY PLS_INTEGER;
  TYPE t_cuentas    IS TABLE OF VARCHAR2(20) INDEX BY PLS_INTEGER;

  v_lote        t_pendientes;
  v_ids_error   t_ids;
  v_msg_error   t_errores;
  v_cta_cli     t_cuentas;
  v_ccosto      t_cuentas;
  v_cta_ventas  VARCHAR2(20);
  v_cta_iva     VARCHAR2(20);
  v_idx         PLS_INTEGER;
  v_asiento     NUMBER;
  v_estado      control_sincronizacion.estado%TYPE;

  e_errores_bulk EXCEPTION;
  PRAGMA EXCEPTION_INIT(e_errores_bulk, -24381);
BEGIN
  p_enviadas := 0;
  p_errores  := 0;

  v_cta_ventas := pkg_interfaz_contable.fn_cuenta_contable('VENTAS');
  v_cta_iva    := pkg_interfaz_contable.fn_cuenta_contable('IVA');

  OPEN c_pendientes;
  LOOP
    FETCH c_pendientes BULK COLLECT INTO v_lote LIMIT c_lote;
    EXIT WHEN v_lote.COUNT = 0;

    v_ids_error.DELETE;
    v_msg_error.DELETE;

    SELECT conta.seq_asientos.NEXTVAL@dblink_contable INTO v_asiento FROM dual;

    -- cuentas y centros de costo se resuelven localmente antes del INSERT remoto
    FOR i IN 1 .. v_lote.COUNT LOOP
      v_cta_cli(i) := pkg_interfaz_contable.fn_cuenta_contable('CLIENTES', v_lote(i).id_bodega);
      v_ccosto(i)  := pkg_interfaz_contable.fn_centro_costo(v_lote(i).id_bodega);
    END LOOP;

    BEGIN
      FORALL i IN 1 .. v_lote.COUNT SAVE EXCEPTIONS
        INSERT INTO conta.asientos_contables@dblink_contable
          (id_asiento, fecha, referencia, cuenta_debe, cuenta_haber, cuenta_iva,
           valor_neto, valor_iva, valor_total, centro_costo, origen)
        VALUES
          (v_asiento * 1000 + i, v_lote(i).fecha_emision, v_lote(i).numero_factura,
           v_cta_cli(i), v_cta_ventas, v_cta_iva,
           v_lote(i).subtotal_0 + v_lote(i).subtotal_iva - v_lote(i).descuento, v_lote(i).monto_iva, v_lote(i).total,
           v_ccosto(i), 'BACKOFFICE');
    EXCEPTION
      WHEN e_errores_bulk THEN
        FOR j IN 1 .. SQL%BULK_EXCEPTIONS.COUNT LOOP
          v_idx := SQL%BULK_EXCEPTIONS(j).ERROR_INDEX;
          v_ids_error(v_lote(v_idx).id_factura) := v_lote(v_idx).id_factura;
          v_msg_error(v_lote(v_idx).id_factura) := SQLERRM(-SQL%BULK_EXCEPTIONS(j).ERROR_CODE);
        END LOOP;
    END;

    FOR i IN 1 .. v_lote.COUNT LOOP
      v_estado := CASE WHEN v_ids_error.EXISTS(v_lote(i).id_factura) THEN 'ERROR' ELSE 'OK' END;
      MERGE INTO control_sincronizacion cs
      USING (SELECT v_lote(i).id_factura AS id_factura FROM dual) x
         ON (cs.id_factura = x.id_factura)
       WHEN MATCHED THEN
         UPDATE SET cs.fecha_sincronizacion = SYSDATE,
                    cs.estado  = v_estado,
                    cs.asiento_erp = v_asiento,
                    cs.mensaje = NULL
       WHEN NOT MATCHED THEN
         INSERT (id_factura, fecha_sincronizacion, estado, asiento_erp)
         VALUES (x.id_factura, SYSDATE, v_estado, v_asiento);
    END LOOP;

    -- mensajes de error (no se pueden referenciar colecciones INDEX BY dentro del MERGE)
    v_idx := v_msg_error.FIRST;
    WHILE v_idx IS NOT NULL LOOP
      UPDATE control_sincronizacion
         SET estado = 'ERROR', mensaje = SUBSTR(v_msg_error(v_idx), 1, 1000)
       WHERE id_factura = v_idx;
      v_idx := v_msg_error.NEXT(v_idx);
    END LOOP;

    p_errores  := p_errores + v_ids_error.COUNT;
    p_enviadas := p_enviadas + v_lote.COUNT - v_ids_error.COUNT;

    COMMIT;   -- commit por lote: la transacción distribuida no debe crecer
  END LOOP;
  CLOSE c_pendientes;

  seguridad.prc_registrar_auditoria('CONTABILIDAD', 'SINCRONIZACION',
    'Enviadas: ' || p_enviadas || ' Errores: ' || p_errores || ' hasta ' || TO_CHAR(p_fecha_hasta, 'DD/MM/YYYY'));
EXCEPTION
  WHEN OTHERS THEN
    IF c_pendientes%ISOPEN THEN
      CLOSE c_pendientes;
    END IF;
    ROLLBACK;
    seguridad.prc_registrar_auditoria('CONTABILIDAD', 'SINCRONIZACION_ERROR', SQLERRM, SQLCODE);
    RAISE;
END prc_sincronizar_contabilidad;

/
