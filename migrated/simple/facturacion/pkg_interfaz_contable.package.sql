-- Oracle package 'pkg_interfaz_contable' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_interfaz_contable CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_interfaz_contable;

-- End of Oracle package 'pkg_interfaz_contable' declaration
