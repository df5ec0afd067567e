-- FACTURACION.TRG_FACTURAS_ESTADO (TRIGGER) from extracted/all_source/triggers.sql:14

CREATE OR REPLACE FUNCTION facturacion.trg_facturas_estado() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_permitido boolean;
BEGIN
    IF OLD.estado = NEW.estado THEN
        RETURN NEW;
    END IF;
    -- Máquina de estados de la factura electrónica
    v_permitido := CASE NEW.estado
          WHEN 'ENVIADA'    THEN OLD.estado IN ('EMITIDA', 'ENVIADA')
          WHEN 'AUTORIZADA' THEN OLD.estado IN ('EMITIDA', 'ENVIADA')
          WHEN 'RECHAZADA'  THEN OLD.estado IN ('EMITIDA', 'ENVIADA')
          WHEN 'EMITIDA'    THEN OLD.estado = 'RECHAZADA'      -- reproceso tras corregir
          WHEN 'PAGADA'     THEN OLD.estado = 'AUTORIZADA'
          WHEN 'ANULADA'    THEN OLD.estado IN ('EMITIDA', 'RECHAZADA', 'AUTORIZADA')
          ELSE FALSE
        END;
    IF NOT v_permitido THEN
        RAISE EXCEPTION USING ERRCODE = 'U0330', MESSAGE = concat('Factura ', OLD.numero_factura, ': no se permite pasar de ', OLD.estado, ' a ', NEW.estado);
    END IF;
    IF NEW.estado = 'PAGADA' AND coalesce(NEW.saldo, 0) > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0331', MESSAGE = concat('La factura ', OLD.numero_factura, ' aún tiene saldo ', NEW.saldo);
    END IF;
    IF NEW.estado = 'ANULADA' THEN
        -- devuelve el cupo al cliente
        UPDATE ventas.clientes
              SET saldo_pendiente = GREATEST(coalesce(saldo_pendiente, 0) - coalesce(OLD.saldo, 0), 0)
            WHERE id_cliente = OLD.id_cliente;
        NEW.saldo := 0;
    END IF;
    RETURN NEW;
END;
$body$;

DROP TRIGGER IF EXISTS trg_facturas_estado ON facturas;
CREATE TRIGGER trg_facturas_estado
BEFORE UPDATE OF estado ON facturas
FOR EACH ROW
EXECUTE FUNCTION facturacion.trg_facturas_estado();
