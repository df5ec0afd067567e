-- Oracle package 'pkg_inventario' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_inventario CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_inventario;

-- End of Oracle package 'pkg_inventario' declaration
