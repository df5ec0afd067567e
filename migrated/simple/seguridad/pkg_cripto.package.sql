-- Oracle package 'pkg_cripto' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_cripto CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_cripto;

-- End of Oracle package 'pkg_cripto' declaration
