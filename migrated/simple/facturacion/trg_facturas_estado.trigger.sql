DROP TRIGGER IF EXISTS trg_facturas_estado ON facturas CASCADE;
CREATE OR REPLACE FUNCTION trigger_fct_trg_facturas_estado() RETURNS trigger AS $BODY$
DECLARE
  v_permitido boolean;
BEGIN
  IF o.estado = n.estado THEN
    RETURN NEW;
  END IF;

  -- Máquina de estados de la factura electrónica
  v_permitido := CASE n.estado
                   WHEN 'ENVIADA'    THEN o.estado IN ('EMITIDA', 'ENVIADA')
                   WHEN 'AUTORIZADA' THEN o.estado IN ('EMITIDA', 'ENVIADA')
                   WHEN 'RECHAZADA'  THEN o.estado IN ('EMITIDA', 'ENVIADA')
                   WHEN 'EMITIDA'    THEN o.estado = 'RECHAZADA'      -- reproceso tras corregir
                   WHEN 'PAGADA'     THEN o.estado = 'AUTORIZADA'
                   WHEN 'ANULADA'    THEN o.estado IN ('EMITIDA', 'RECHAZADA', 'AUTORIZADA')
                   ELSE FALSE
                 RETURN NEW;
END
$BODY$
 LANGUAGE 'plpgsql';

CREATE TRIGGER trg_facturas_estado
	BEFORE UPDATE OF estado ON facturas FOR EACH ROW
	EXECUTE PROCEDURE trigger_fct_trg_facturas_estado();
