PROMPT Vista materializada MV_VENTAS_MENSUALES
-- Se refresca cada noche a las 02:00; la usa el tablero gerencial.
-- Antes se refrescaba con DBMS_JOB; ahora lo hace el propio MV (START WITH / NEXT).

CREATE MATERIALIZED VIEW VENTAS.MV_VENTAS_MENSUALES
  TABLESPACE VENTAS_DAT
  BUILD IMMEDIATE
  REFRESH COMPLETE
  START WITH TRUNC(SYSDATE) + 1 + 2/24
  NEXT TRUNC(SYSDATE) + 1 + 2/24
AS
SELECT TRUNC(p.fecha_pedido, 'MM')                    AS mes,
       p.id_bodega,
       pr.id_categoria,
       COUNT(DISTINCT p.id_pedido)                    AS pedidos,
       SUM(l.cantidad)                                AS unidades,
       SUM(l.subtotal_linea)                          AS venta_bruta,
       SUM(l.subtotal_linea * NVL(p.porcentaje_descuento, 0) / 100) AS descuentos,
       SUM(l.cantidad * NVL(pr.costo_promedio, 0))    AS costo
  FROM ventas.pedidos p
  JOIN ventas.pedido_lineas l ON l.id_pedido = p.id_pedido
  JOIN inventario.productos pr ON pr.id_producto = l.id_producto
 WHERE p.estado = 'FACTURADO'
   AND p.fecha_pedido >= ADD_MONTHS(TRUNC(SYSDATE, 'YYYY'), -24)
 GROUP BY TRUNC(p.fecha_pedido, 'MM'), p.id_bodega, pr.id_categoria;

CREATE INDEX VENTAS.IX_MV_VENTAS_MES ON VENTAS.MV_VENTAS_MENSUALES (MES, ID_BODEGA) TABLESPACE VENTAS_IDX;

COMMENT ON MATERIALIZED VIEW VENTAS.MV_VENTAS_MENSUALES IS 'Ventas facturadas por mes, bodega y categoría (24 meses)';
