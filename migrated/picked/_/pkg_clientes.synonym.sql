CREATE OR REPLACE VIEW .pkg_clientes AS SELECT * FROM ventas.pkg_clientes;
