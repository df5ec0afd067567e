-- VENTAS.TRG_V_CLIENTES_ACTIVOS_IO (TRIGGER) from extracted/ddl/VENTAS/triggers.sql:74

CREATE OR REPLACE FUNCTION ventas.trg_v_clientes_activos_io() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    -- La vista se publica a la aplicación de call center: solo permite
    -- actualizar datos de contacto o dar de alta con datos mínimos.
    IF (TG_OP = 'INSERT') THEN
        CALL pkg_clientes.crear_cliente_proc(p_tipo_documento   => SUBSTR(NEW.documento, 1, 3), p_numero_documento => SUBSTR(NEW.documento, 5), p_razon_social     => NEW.nombre, p_email            => NEW.email, p_telefono         => NEW.telefono);
    ELSE
        IF NEW.categoria <> OLD.categoria OR NEW.cupo_disponible <> OLD.cupo_disponible THEN
            RAISE EXCEPTION USING ERRCODE = 'U0130', MESSAGE = 'Categoría y cupo solo se modifican desde el módulo de crédito';
        END IF;
        CALL pkg_clientes.actualizar_contacto(OLD.id_cliente, NEW.email, NEW.telefono);
    END IF;
    RETURN NEW;
END;
$body$;

DROP TRIGGER IF EXISTS trg_v_clientes_activos_io ON ventas.v_clientes_activos;
CREATE TRIGGER trg_v_clientes_activos_io
INSTEAD OF INSERT OR UPDATE ON ventas.v_clientes_activos
FOR EACH ROW
EXECUTE FUNCTION ventas.trg_v_clientes_activos_io();
