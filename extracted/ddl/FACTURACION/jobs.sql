REM ==========================================================
REM  Jobs programados del esquema FACTURACION
REM  Ejecutar conectado como FACTURACION
REM ==========================================================
SET SERVEROUTPUT ON
WHENEVER SQLERROR CONTINUE

PROMPT Eliminando jobs anteriores (si existen)
BEGIN
  DBMS_SCHEDULER.drop_job(job_name => 'FACTURACION.JOB_ENVIO_SRI', force => TRUE);
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE != -27475 THEN   -- el job no existe
      RAISE;
    END IF;
END;
/

WHENEVER SQLERROR EXIT SQL.SQLCODE

PROMPT Job de envío de facturas electrónicas cada 10 minutos
BEGIN
  DBMS_SCHEDULER.create_job(
    job_name        => 'FACTURACION.JOB_ENVIO_SRI',
    job_type        => 'STORED_PROCEDURE',
    job_action      => 'FACTURACION.PKG_FACTURA_ELECTRONICA.PROCESAR_PENDIENTES',
    start_date      => SYSTIMESTAMP,
    repeat_interval => 'FREQ=MINUTELY;INTERVAL=10;BYHOUR=6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22',
    enabled         => FALSE,
    comments        => 'Envía al SRI las facturas EMITIDAS/ENVIADAS pendientes de autorización');
  DBMS_SCHEDULER.set_attribute('FACTURACION.JOB_ENVIO_SRI', 'logging_level', DBMS_SCHEDULER.logging_failed_runs);
  DBMS_SCHEDULER.enable('FACTURACION.JOB_ENVIO_SRI');
END;
/

PROMPT Job de resumen diario por correo (07:30)
BEGIN
  DBMS_SCHEDULER.create_job(
    job_name        => 'FACTURACION.JOB_RESUMEN_DIARIO',
    job_type        => 'PLSQL_BLOCK',
    job_action      => 'BEGIN facturacion.pkg_reportes.enviar_resumen_diario; END;',
    repeat_interval => 'FREQ=DAILY;BYHOUR=7;BYMINUTE=30',
    enabled         => TRUE);
END;
/

PROMPT Job legado (DBMS_JOB) de sincronización contable - 23:00
-- Pendiente migrar a DBMS_SCHEDULER; se mantiene por compatibilidad con el monitoreo actual
DECLARE
  v_job BINARY_INTEGER;
BEGIN
  SELECT MAX(job) INTO v_job FROM user_jobs WHERE what LIKE '%PRC_SINCRONIZAR_CONTABILIDAD%';
  IF v_job IS NOT NULL THEN
    DBMS_JOB.remove(v_job);
  END IF;
  DBMS_JOB.submit(
    job       => v_job,
    what      => 'DECLARE e NUMBER; x NUMBER; BEGIN facturacion.prc_sincronizar_contabilidad(TRUNC(SYSDATE), e, x); END;',
    next_date => TRUNC(SYSDATE) + 23/24,
    interval  => 'TRUNC(SYSDATE) + 1 + 23/24');
  COMMIT;
  DBMS_OUTPUT.put_line('Job contable: ' || v_job);
END;
/

PROMPT Job de cierre mensual (día 1 a las 01:00)
BEGIN
  DBMS_SCHEDULER.create_job(
    job_name        => 'FACTURACION.JOB_CIERRE_MENSUAL',
    job_type        => 'STORED_PROCEDURE',
    job_action      => 'FACTURACION.PRC_CIERRE_MENSUAL',
    repeat_interval => 'FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=1',
    enabled         => TRUE);
END;
/
