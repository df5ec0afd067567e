-- VENTAS.v_ResumenAnual (VIEW) from extracted/ddl/VENTAS/views.sql:33

CREATE OR REPLACE VIEW ventas."v_ResumenAnual" ("Año", "Categoría", "Clientes", "Pedidos", "TotalVendido", "TicketPromedio") AS
SELECT (TO_CHAR(p.fecha_pedido, 'YYYY'))::numeric,
         coalesce(c.categoria, 'REGULAR'),
         COUNT(DISTINCT p.id_cliente),
         COUNT(*),
         SUM(p.total),
         TRUNC(AVG(p.total), 2)
    FROM pedidos p
    JOIN clientes c ON c.id_cliente = p.id_cliente
   WHERE p.estado = 'FACTURADO'
   GROUP BY (TO_CHAR(p.fecha_pedido, 'YYYY'))::numeric, coalesce(c.categoria, 'REGULAR');
