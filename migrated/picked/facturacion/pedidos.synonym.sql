CREATE OR REPLACE VIEW facturacion.pedidos AS SELECT * FROM ventas.pedidos;
