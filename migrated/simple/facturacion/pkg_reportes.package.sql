-- Oracle package 'pkg_reportes' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_reportes CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_reportes;
-- Unsupported, please edit to match PostgreSQL syntax
CREATE OR REPLACE TYPE PKG_REPORTES.t_ref_cursor AS REFCURSOR;
-- End of Oracle package 'pkg_reportes' declaration
