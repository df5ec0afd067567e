-- Shadow tests of tests/shadow/cases.toml, for Oracle: run with SQL*Plus or SQLcl (@oracle.sql)
-- and write each `actual` as the case's `expected` (NULL as { null = true }).
SET NULL '<NULL>'
SET LINESIZE 200
SET PAGESIZE 100
COLUMN case_name FORMAT A40
COLUMN actual FORMAT A60

-- case `IVA at 12 % of 100` (line 5): expected 12 ± 0.005
SELECT 'IVA at 12 % of 100' AS case_name, TO_CHAR(FACTURACION.FN_CALCULAR_IVA(100, 12)) AS actual FROM dual;

-- case `IVA of a zero base is zero, whatever the rate` (line 12): expected 0
SELECT 'IVA of a zero base is zero, whatever the rate' AS case_name, TO_CHAR(FACTURACION.FN_CALCULAR_IVA(0, 12)) AS actual FROM dual;

-- case `IVA of a NULL base is zero, not NULL` (line 18): expected 0
SELECT 'IVA of a NULL base is zero, not NULL' AS case_name, TO_CHAR(FACTURACION.FN_CALCULAR_IVA(NULL, 12)) AS actual FROM dual;

-- case `IVA rounds half up to cents` (line 24): expected 1.22
SELECT 'IVA rounds half up to cents' AS case_name, TO_CHAR(FACTURACION.FN_CALCULAR_IVA(10.125, 12)) AS actual FROM dual;

-- case `month name` (line 30): expected 'Marzo'
SELECT 'month name' AS case_name, TO_CHAR(FACTURACION.FN_NOMBRE_MES(3)) AS actual FROM dual;

-- case `month name in capitals` (line 36): expected 'DICIEMBRE'
SELECT 'month name in capitals' AS case_name, TO_CHAR(FACTURACION.FN_NOMBRE_MES(12, 'S')) AS actual FROM dual;

-- case `an empty string is NULL on Oracle: not 'S'` (line 42): expected 'Diciembre'
SELECT 'an empty string is NULL on Oracle: not ''S''' AS case_name, TO_CHAR(FACTURACION.FN_NOMBRE_MES(12, '')) AS actual FROM dual;

-- case `a cedula too short is not valid` (line 48): expected 'N'
SELECT 'a cedula too short is not valid' AS case_name, TO_CHAR(VENTAS.FN_VALIDAR_CEDULA('123')) AS actual FROM dual;

