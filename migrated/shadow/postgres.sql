-- Shadow tests of tests/shadow/cases.toml, for PostgreSQL: run with psql after the converted
-- objects are applied; pipeline runs the same queries and compares.
\pset null '<NULL>'

-- case `IVA at 12 % of 100` (line 5): expected 12 ± 0.005
SELECT 'IVA at 12 % of 100' AS case_name, (facturacion.fn_calcular_iva(100, 12))::text AS actual;

-- case `IVA of a zero base is zero, whatever the rate` (line 12): expected 0
SELECT 'IVA of a zero base is zero, whatever the rate' AS case_name, (facturacion.fn_calcular_iva(0, 12))::text AS actual;

-- case `IVA of a NULL base is zero, not NULL` (line 18): expected 0
SELECT 'IVA of a NULL base is zero, not NULL' AS case_name, (facturacion.fn_calcular_iva(NULL, 12))::text AS actual;

-- case `IVA rounds half up to cents` (line 24): expected 1.22
SELECT 'IVA rounds half up to cents' AS case_name, (facturacion.fn_calcular_iva(10.125, 12))::text AS actual;

-- case `month name` (line 30): expected 'Marzo'
SELECT 'month name' AS case_name, (facturacion.fn_nombre_mes(3))::text AS actual;

-- case `month name in capitals` (line 36): expected 'DICIEMBRE'
SELECT 'month name in capitals' AS case_name, (facturacion.fn_nombre_mes(12, 'S'))::text AS actual;

-- case `an empty string is NULL on Oracle: not 'S'` (line 42): expected 'Diciembre'
SELECT 'an empty string is NULL on Oracle: not ''S''' AS case_name, (facturacion.fn_nombre_mes(12, ''))::text AS actual;

-- case `a cedula too short is not valid` (line 48): expected 'N'
SELECT 'a cedula too short is not valid' AS case_name, (ventas.fn_validar_cedula('123'))::text AS actual;

