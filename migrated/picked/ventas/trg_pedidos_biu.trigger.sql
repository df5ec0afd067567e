-- VENTAS.TRG_PEDIDOS_BIU (TRIGGER) from extracted/ddl/VENTAS/triggers.sql:5
-- review (line 17): UPDATING(column) became a test that the column changed; Oracle tests that it was in the SET list
-- review (line 26): UPDATING(column) became a test that the column changed; Oracle tests that it was in the SET list

CREATE OR REPLACE FUNCTION ventas.trg_pedidos_biu() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_cambio_estado boolean := FALSE;
BEGIN
    IF NOT coalesce((NEW.estado <> 'BORRADOR' OR OLD.estado IS NULL), false) THEN
        RETURN NEW;
    END IF;
    IF (TG_OP = 'INSERT') THEN
        NEW.fecha_pedido := coalesce(NEW.fecha_pedido, clock_timestamp()::timestamp(0));
        NEW.usuario_creacion := coalesce(NEW.usuario_creacion, current_user);
        NEW.estado := coalesce(NEW.estado, 'BORRADOR');
    ELSIF (TG_OP = 'UPDATE' AND NEW.estado IS DISTINCT FROM OLD.estado) THEN
        v_cambio_estado := coalesce(OLD.estado, '#') <> coalesce(NEW.estado, '#');
        -- un pedido facturado o anulado es inmutable
        IF v_cambio_estado AND OLD.estado IN ('FACTURADO', 'ANULADO') THEN
            RAISE EXCEPTION USING ERRCODE = 'U0120', MESSAGE = concat('El pedido ', OLD.id_pedido, ' está ', OLD.estado, ' y no puede cambiar de estado');
        END IF;
        IF NEW.estado = 'APROBADO' THEN
            NEW.fecha_aprobacion := clock_timestamp()::timestamp(0);
        END IF;
    ELSIF (TG_OP = 'UPDATE' AND NEW.total IS DISTINCT FROM OLD.total) THEN
        IF NEW.total < 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'U0121', MESSAGE = 'El total del pedido no puede ser negativo';
        END IF;
    END IF;
    RETURN NEW;
END;
$body$;

DROP TRIGGER IF EXISTS trg_pedidos_biu ON ventas.pedidos;
CREATE TRIGGER trg_pedidos_biu
BEFORE INSERT OR UPDATE OF estado, total ON ventas.pedidos
FOR EACH ROW
EXECUTE FUNCTION ventas.trg_pedidos_biu();
