-- Oracle package 'pkg_factura_electronica' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_factura_electronica CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_factura_electronica;

-- End of Oracle package 'pkg_factura_electronica' declaration
