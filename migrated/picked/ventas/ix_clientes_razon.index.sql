CREATE INDEX ix_clientes_razon ON ventas.clientes (upper("razon_social"));
