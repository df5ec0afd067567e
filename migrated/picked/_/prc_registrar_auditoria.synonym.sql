CREATE OR REPLACE VIEW .prc_registrar_auditoria AS SELECT * FROM seguridad.prc_registrar_auditoria;
