-- VENTAS.PRC_TOP_CLIENTES (PROCEDURE) from extracted/all_source/procedures.sql:74
-- review (line 74): defaults dropped: PostgreSQL allows no OUT parameter after a defaulted one, so callers must pass every argument
-- unsupported (line 83): ROWNUM with ORDER BY, GROUP BY, UNION or an aggregate: Oracle numbers the rows before these apply; rewrite it as a subquery with LIMIT

CREATE OR REPLACE PROCEDURE ventas.prc_top_clientes(
    p_anio numeric,
    p_n numeric,
    OUT p_cursor refcursor,
    OUT p_total_n numeric
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_desde timestamp(0) := to_timestamp(concat(p_anio, '-01-01'), 'YYYY-MM-DD')::timestamp(0);
BEGIN
    -- Total de los "primeros n" pedidos facturados del año (lo usa el tablero comercial).
    -- Ojo: ROWNUM se aplica antes del SUM, toma n filas cualquiera, no los n mayores.
    SELECT SUM(total)
         INTO STRICT p_total_n
         FROM pedidos
        WHERE estado = 'FACTURADO'
          AND fecha_pedido >= v_desde
          AND fecha_pedido < ADD_MONTHS(v_desde, 12)
          AND ROWNUM <= p_n;
    OPEN p_cursor FOR SELECT *
        FROM (SELECT c.id_cliente,
                     c.razon_social,
                     coalesce(c.categoria, 'REGULAR') categoria,
                     COUNT(p.id_pedido)          pedidos,
                     SUM(p.total)                total_comprado,
                     ROUND(SUM(p.total) / NULLIF(COUNT(p.id_pedido), 0), 2) ticket_promedio
                FROM clientes c, pedidos p
               WHERE p.id_cliente = c.id_cliente
                 AND p.estado = 'FACTURADO'
                 AND p.fecha_pedido >= v_desde
                 AND p.fecha_pedido < ADD_MONTHS(v_desde, 12)
               GROUP BY c.id_cliente, c.razon_social, c.categoria
               ORDER BY total_comprado DESC) LIMIT p_n;
END;
$body$;
