CREATE INDEX ix_auditoria_fecha ON seguridad.auditoria_log ("fecha", "modulo");
