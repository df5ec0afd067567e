-- VENTAS.PKG_CLIENTES (PACKAGE) from extracted/all_source/packages.sql:1

CREATE SCHEMA IF NOT EXISTS pkg_clientes;
