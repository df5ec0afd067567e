--------------------------------------------------------
--  DDL for Procedure PRC_REGISTRAR_AUDITORIA
--------------------------------------------------------
set define off;

  CREATE OR REPLACE EDITIONABLE PROCEDURE "SEGURIDAD"."PRC_REGISTRAR_AUDITORIA" (
    p_modulo        IN auditoria_log.modulo%TYPE,
    p_accion        IN auditoria_log.accion%TYPE,
    p_detalle       IN VARCHAR2 DEFAULT NULL,
    p_codigo_error  IN NUMBER   DEFAULT NULL
)
IS
  /*
   * Registra un evento en la bitácora de auditoría.
   * Se ejecuta en transacción autónoma para que el registro quede
   * grabado aunque el llamador haga ROLLBACK.
   * Autor: jperez  Fecha: 2017-05-02
   * 2021-11-10 mrodriguez: se agrega IP del cliente
   */
  PRAGMA AUTONOMOUS_TRANSACTION;
  v_usuario  auditoria_log.usuario%TYPE;
  v_ip       auditoria_log.ip_cliente%TYPE;
BEGIN
  v_usuario := NVL(SYS_CONTEXT('USERENV', 'CLIENT_IDENTIFIER'), USER);
  v_ip      := SYS_CONTEXT('USERENV', 'IP_ADDRESS');

  INSERT INTO auditoria_log (id_log, fecha, usuario, modulo, accion, detalle, codigo_error, ip_cliente)
  VALUES (seq_auditoria.NEXTVAL, SYSTIMESTAMP, v_usuario, UPPER(p_modulo), UPPER(p_accion),
          SUBSTR(p_detalle, 1, 4000), p_codigo_error, v_ip);

  COMMIT;
EXCEPTION
  WHEN OTHERS THEN
    -- nunca debe romper la transacción del llamador
    ROLLBACK;
    DBMS_OUTPUT.put_line('PRC_REGISTRAR_AUDITORIA: ' || SQLCODE || ' ' || SQLERRM);
END prc_registrar_auditoria;

/
