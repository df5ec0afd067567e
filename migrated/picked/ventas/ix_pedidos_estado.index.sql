CREATE INDEX ix_pedidos_estado ON ventas.pedidos USING gin("estado");
