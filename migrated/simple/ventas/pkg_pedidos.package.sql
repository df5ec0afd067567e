-- Oracle package 'pkg_pedidos' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_pedidos CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_pedidos;

-- End of Oracle package 'pkg_pedidos' declaration
