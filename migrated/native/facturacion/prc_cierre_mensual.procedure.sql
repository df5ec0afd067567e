-- FACTURACION.PRC_CIERRE_MENSUAL (PROCEDURE) from extracted/all_source/procedures.sql:166
-- review (line 181): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- review (line 206): C_VENCIDAS%NOTFOUND became FOUND, which the last FETCH of any cursor sets
-- unsupported (line 215): COMMIT inside a block with an EXCEPTION handler: PostgreSQL refuses it (cannot commit while a subtransaction is active)
-- unsupported (line 223): GOTO has no PL/pgSQL equivalent
-- review (line 234): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest
-- unsupported (line 239): SAVEPOINT: use a block with an EXCEPTION handler
-- unsupported (line 242): COMMIT inside a block with an EXCEPTION handler: PostgreSQL refuses it (cannot commit while a subtransaction is active)
-- unsupported (line 245): ROLLBACK TO SAVEPOINT: use a block with an EXCEPTION handler
-- review (line 246): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest
-- unsupported (line 247): GOTO has no PL/pgSQL equivalent
-- unsupported (line 255): label <<fin_cierre>> on a statement other than a loop or block left out

CREATE OR REPLACE PROCEDURE facturacion.prc_cierre_mensual(
    p_anio numeric DEFAULT NULL,
    p_mes numeric DEFAULT NULL
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    c_vencidas_isopen boolean := false;
    c_vencidas_rowcount integer := 0;
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
    v_periodo timestamp(0);
    v_archivo varchar(200);
    v_paso integer := 0;
    v_interes numeric;
    v_facturas integer := 0;
    v_error varchar(4000);
    c_vencidas CURSOR FOR SELECT id_factura, saldo, fecha_vencimiento
         FROM facturas
        WHERE saldo > 0
          AND estado = 'AUTORIZADA'
          AND fecha_vencimiento < TRUNC(clock_timestamp()::timestamp(0));
    r_venc record;
BEGIN
    v_periodo := CASE
          WHEN p_anio IS NULL OR p_mes IS NULL THEN ADD_MONTHS(TRUNC(clock_timestamp()::timestamp(0), 'MM'), -1)
          ELSE to_timestamp(concat(p_anio, lpad((p_mes)::text, 2, '0')), 'YYYYMM')::timestamp(0)
        END;
    RAISE NOTICE '%', concat('Cierre del período ', TO_CHAR(v_periodo, 'MM/YYYY'));
    -- Paso 1: mora
    v_paso := 1;
    BEGIN
        OPEN c_vencidas;
        c_vencidas_rowcount := 0;
        c_vencidas_isopen := true;
        LOOP
            FETCH c_vencidas INTO r_venc;
            IF FOUND THEN c_vencidas_rowcount := c_vencidas_rowcount + 1; END IF;
            EXIT WHEN (NOT FOUND);
            v_interes := fn_calcular_interes_mora(r_venc.saldo, r_venc.fecha_vencimiento, LAST_DAY(v_periodo));
            IF v_interes > 0 THEN
                UPDATE facturas SET saldo = saldo + v_interes WHERE id_factura = r_venc.id_factura;
                v_facturas := v_facturas + 1;
            END IF;
        END LOOP;
        RAISE NOTICE '%', concat('  Facturas revisadas: ', c_vencidas_rowcount, ', con interés: ', v_facturas);
        CLOSE c_vencidas;
        c_vencidas_isopen := false;
        COMMIT;
    EXCEPTION
        WHEN OTHERS THEN
            IF (c_vencidas_isopen AND EXISTS (SELECT FROM pg_catalog.pg_cursors WHERE pg_catalog.pg_cursors.name = c_vencidas::text)) THEN
                CLOSE c_vencidas;
                c_vencidas_isopen := false;
            END IF;
            ROLLBACK;
            v_error := concat('Paso 1 (mora): ', SQLERRM);
            GOTO fin_cierre;
    END;
    -- Paso 2: CSV
    v_paso := 2;
    BEGIN
        CALL pkg_reportes.exportar_ventas_csv((TO_CHAR(v_periodo, 'YYYY'))::numeric, (TO_CHAR(v_periodo, 'MM'))::numeric, v_archivo);
        RAISE NOTICE '%', concat('  Archivo generado: ', v_archivo);
    EXCEPTION
        WHEN OTHERS THEN
            -- no es bloqueante: se registra y se continúa
            CALL prc_registrar_auditoria('CIERRE', 'CSV_ERROR', SQLERRM, (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
    END;
    -- Paso 3: contabilidad
    v_paso := 3;
    SAVEPOINT antes_asientos;
    BEGIN
        CALL pkg_interfaz_contable.generar_asientos(LAST_DAY(v_periodo));
        COMMIT;
    EXCEPTION
        WHEN OTHERS THEN
            ROLLBACK TO SAVEPOINT antes_asientos;
            v_error := concat('Paso 3 (asientos): ', (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END), ' ', SQLERRM);
            GOTO fin_cierre;
    END;
    -- Paso 4: costo promedio
    v_paso := 4;
    CALL pkg_inventario.recalcular_costo_promedio(v_periodo);
    COMMIT;
    IF v_error IS NOT NULL THEN
        RAISE NOTICE '%', concat('CIERRE CON ERRORES en paso ', v_paso, ': ', v_error);
        CALL prc_registrar_auditoria('CIERRE', 'ERROR', v_error);
    ELSE
        CALL prc_registrar_auditoria('CIERRE', 'OK', concat('Período ', TO_CHAR(v_periodo, 'MM/YYYY')));
    END IF;
END;
$body$;
