-- =====================================================================
-- Script maestro de instalación - Back office Salud y Retail
-- Generado para la reinstalación del entorno QA (Oracle 19c)
-- Ejecutar como usuario DBA desde SQL*Plus:
--    sqlplus / as sysdba @00_install.sql
-- =====================================================================
SET DEFINE ON
SET ECHO OFF
SET FEEDBACK ON
SET SERVEROUTPUT ON SIZE UNLIMITED
SET LINESIZE 200
SET PAGESIZE 0
WHENEVER SQLERROR EXIT SQL.SQLCODE ROLLBACK
WHENEVER OSERROR EXIT FAILURE

DEFINE ambiente = QA
DEFINE usuario_reportes = RPT_CONSULTA
DEFINE dir_reportes = /u01/app/oracle/reportes

SPOOL install_&ambiente..log

PROMPT ====================================================
PROMPT  Instalación de objetos - ambiente &ambiente
PROMPT ====================================================

PROMPT Creando directorio para reportes CSV...
CREATE OR REPLACE DIRECTORY DIR_REPORTES AS '&dir_reportes';
GRANT READ, WRITE ON DIRECTORY DIR_REPORTES TO FACTURACION;

SET DEFINE OFF

PROMPT [1/4] Esquema SEGURIDAD
@@SEGURIDAD/tables.sql
@@SEGURIDAD/PRC_REGISTRAR_AUDITORIA.sql
@@SEGURIDAD/PKG_CRIPTO.sql
@@SEGURIDAD/JAVA_UTILIDADES.sql

PROMPT [2/4] Esquema INVENTARIO
@@INVENTARIO/tables.sql
@@INVENTARIO/types.sql
@@INVENTARIO/views.sql
@@INVENTARIO/PKG_CONSTANTES_INV.sql
@@INVENTARIO/PKG_INVENTARIO.sql

PROMPT [3/4] Esquema VENTAS
@@VENTAS/tables.sql
@@VENTAS/FN_OBTENER_NOMBRE_CLIENTE.sql
@@VENTAS/PKG_DESCUENTOS.sql
@@VENTAS/PKG_PEDIDOS.sql
@@VENTAS/views.sql
@@VENTAS/MV_VENTAS_MENSUALES.sql
@@VENTAS/triggers.sql
@@VENTAS/TRG_PEDIDO_LINEAS_CMP.sql

PROMPT [4/4] Esquema FACTURACION
@@FACTURACION/tables.sql
@@FACTURACION/types.sql
@@FACTURACION/PKG_FACTURA_ELECTRONICA.sql
@@FACTURACION/PKG_REPORTES.sql
@@FACTURACION/PKG_INTERFAZ_CONTABLE.sql
@@FACTURACION/PRC_SINCRONIZAR_CONTABILIDAD.sql

SET DEFINE ON
PROMPT Permisos y sinónimos
@@VENTAS/grants_synonyms.sql

PROMPT Jobs programados
@@FACTURACION/jobs.sql

PROMPT Recompilando objetos inválidos...
BEGIN
  DBMS_UTILITY.compile_schema(schema => 'VENTAS', compile_all => FALSE);
  DBMS_UTILITY.compile_schema(schema => 'FACTURACION', compile_all => FALSE);
  DBMS_UTILITY.compile_schema(schema => 'INVENTARIO', compile_all => FALSE);
  DBMS_UTILITY.compile_schema(schema => 'SEGURIDAD', compile_all => FALSE);
END;
/

SELECT owner || '.' || object_name || ' (' || object_type || ')'
  FROM dba_objects
 WHERE status = 'INVALID'
   AND owner IN ('VENTAS','FACTURACION','INVENTARIO','SEGURIDAD')
 ORDER BY owner, object_name;

SPOOL OFF
PROMPT Instalación terminada.
EXIT
