-- VENTAS.V_PEDIDOS_PENDIENTES (VIEW) from extracted/ddl/VENTAS/views.sql:19

CREATE OR REPLACE VIEW ventas.v_pedidos_pendientes (id_pedido, fecha_pedido, dias_espera, cliente, categoria, total, estado, numero_factura, estado_factura, prioridad) AS
select p.id_pedido, p.fecha_pedido, trunc(clock_timestamp()::timestamp(0)) - trunc(p.fecha_pedido) dias_espera,
       c.razon_social cliente, c.categoria, p.total, p.estado,
       f.numero_factura, f.estado estado_factura,
       CASE WHEN c.categoria IS NOT DISTINCT FROM 'VIP' THEN 1 WHEN c.categoria IS NOT DISTINCT FROM 'ORO' THEN 2 WHEN c.categoria IS NULL THEN 4 ELSE 3 END prioridad
  from pedidos p LEFT JOIN facturacion.facturas f ON f.id_pedido = p.id_pedido AND f.estado <> 'ANULADA', clientes c
 where p.id_cliente = c.id_cliente
   and p.estado in ('PENDIENTE', 'APROBADO');
