CREATE INDEX ix_facturas_pedido ON facturacion.facturas ("id_pedido");
