CREATE OR REPLACE VIEW ventas.v_resumenanual ("año", "categoría", clientes, pedidos, totalvendido, ticketpromedio) AS SELECT (TO_CHAR(p.fecha_pedido, 'YYYY'))::numeric ,
         coalesce(c.categoria, 'REGULAR'),
         COUNT(DISTINCT p.id_cliente),
         COUNT(*),
         SUM(p.total),
         date_trunc(2, AVG(p.total))
    FROM pedidos p
    JOIN clientes c ON c.id_cliente = p.id_cliente
   WHERE p.estado = 'FACTURADO'
   GROUP BY (TO_CHAR(p.fecha_pedido, 'YYYY'))::numeric , coalesce(c.categoria, 'REGULAR');
