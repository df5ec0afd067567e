-- Oracle package 'pkg_clientes' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_clientes CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_clientes;

-- End of Oracle package 'pkg_clientes' declaration
