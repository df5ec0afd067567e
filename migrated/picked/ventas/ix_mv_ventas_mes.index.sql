CREATE INDEX ix_mv_ventas_mes ON ventas.mv_ventas_mensuales (mes, id_bodega);
