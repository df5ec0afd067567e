CREATE OR REPLACE VIEW facturacion.clientes AS SELECT * FROM ventas.clientes;
