CREATE INDEX ix_pedidos_cliente ON ventas.pedidos ("id_cliente", "fecha_pedido");
