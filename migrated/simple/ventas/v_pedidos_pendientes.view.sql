CREATE OR REPLACE VIEW ventas.v_pedidos_pendientes (id_pedido, fecha_pedido, dias_espera, cliente, categoria, total, estado, numero_factura, estado_factura, prioridad) AS select p.id_pedido, p.fecha_pedido, date_trunc('day', statement_timestamp()) - date_trunc('day', p.fecha_pedido) dias_espera,
       c.razon_social cliente, c.categoria, p.total, p.estado,
       f.numero_factura, f.estado estado_factura,
       CASE WHEN c.categoria='VIP' THEN  1 WHEN c.categoria='ORO' THEN  2 WHEN coalesce(c.categoria::text, '') = '' THEN  4  ELSE 3 END  prioridad
  FROM clientes c, pedidos p
LEFT OUTER JOIN facturacion.facturas f ON (p.id_pedido = f.id_pedido AND 'ANULADA' <> f.estado)
WHERE p.id_cliente = c.id_cliente   and p.estado in ('PENDIENTE', 'APROBADO');
