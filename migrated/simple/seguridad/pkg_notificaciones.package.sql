-- Oracle package 'pkg_notificaciones' declaration, please edit to match PostgreSQL syntax.

DROP SCHEMA IF EXISTS pkg_notificaciones CASCADE;
CREATE SCHEMA IF NOT EXISTS pkg_notificaciones;

-- End of Oracle package 'pkg_notificaciones' declaration
