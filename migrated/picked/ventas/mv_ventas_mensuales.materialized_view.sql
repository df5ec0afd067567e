-- VENTAS.MV_VENTAS_MENSUALES (MATERIALIZED VIEW) from extracted/ddl/VENTAS/MV_VENTAS_MENSUALES.sql:5

CREATE MATERIALIZED VIEW ventas.mv_ventas_mensuales AS
SELECT TRUNC(p.fecha_pedido, 'MM')                    AS mes,
       p.id_bodega,
       pr.id_categoria,
       COUNT(DISTINCT p.id_pedido)                    AS pedidos,
       SUM(l.cantidad)                                AS unidades,
       SUM(l.subtotal_linea)                          AS venta_bruta,
       SUM(l.subtotal_linea * coalesce(p.porcentaje_descuento, 0) / 100) AS descuentos,
       SUM(l.cantidad * coalesce(pr.costo_promedio, 0))    AS costo
  FROM ventas.pedidos p
  JOIN ventas.pedido_lineas l ON l.id_pedido = p.id_pedido
  JOIN inventario.productos pr ON pr.id_producto = l.id_producto
 WHERE p.estado = 'FACTURADO'
   AND p.fecha_pedido >= ADD_MONTHS(TRUNC(clock_timestamp()::timestamp(0), 'YYYY'), -24)
 GROUP BY TRUNC(p.fecha_pedido, 'MM'), p.id_bodega, pr.id_categoria;
