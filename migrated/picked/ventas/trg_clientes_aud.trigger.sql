-- VENTAS.TRG_CLIENTES_AUD (TRIGGER) from extracted/ddl/VENTAS/triggers.sql:38

CREATE OR REPLACE FUNCTION ventas.trg_clientes_aud() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_accion varchar(10);
    v_detalle varchar(4000);
BEGIN
    CASE
        WHEN (TG_OP = 'INSERT') THEN
            v_accion := 'ALTA';
            v_detalle := concat('Cliente ', NEW.id_cliente, ' ', NEW.razon_social);
        WHEN (TG_OP = 'UPDATE') THEN
            v_accion := 'MODIFICA';
            v_detalle := concat('Cliente ', NEW.id_cliente);
            IF coalesce(OLD.limite_credito, -1) <> coalesce(NEW.limite_credito, -1) THEN
                v_detalle := concat(v_detalle, ' limite_credito ', OLD.limite_credito, ' -> ', NEW.limite_credito);
            END IF;
            IF coalesce(OLD.categoria, '#') <> coalesce(NEW.categoria, '#') THEN
                v_detalle := concat(v_detalle, ' categoria ', OLD.categoria, ' -> ', NEW.categoria);
            END IF;
            IF OLD.estado <> NEW.estado THEN
                v_detalle := concat(v_detalle, ' estado ', OLD.estado, ' -> ', NEW.estado);
            END IF;
        WHEN (TG_OP = 'DELETE') THEN
            v_accion := 'BAJA';
            v_detalle := concat('Cliente eliminado ', OLD.id_cliente, ' ', OLD.numero_documento);
    END CASE;
    CALL seguridad.prc_registrar_auditoria('CLIENTES', v_accion, v_detalle);
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS trg_clientes_aud ON ventas.clientes;
CREATE TRIGGER trg_clientes_aud
AFTER INSERT OR UPDATE OR DELETE ON ventas.clientes
FOR EACH ROW
EXECUTE FUNCTION ventas.trg_clientes_aud();
