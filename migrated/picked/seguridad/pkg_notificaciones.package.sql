-- SEGURIDAD.PKG_NOTIFICACIONES (PACKAGE) from extracted/all_source/packages.sql:26

CREATE SCHEMA IF NOT EXISTS pkg_notificaciones;
