DROP TRIGGER IF EXISTS ventas.trg_clientes_aud ON ventas.clientes CASCADE;
CREATE OR REPLACE FUNCTION trigger_fct_ventas.trg_clientes_aud() RETURNS trigger AS $BODY$
DECLARE
  v_accion  varchar(10);
  v_detalle varchar(4000);
BEGIN
  CASE
    WHEN TG_OP = 'INSERT' THEN
      v_accion  := 'ALTA';
      v_detalle := 'Cliente ' || NEW.id_cliente || ' ' || NEW.razon_social;
    WHEN TG_OP = 'UPDATE' THEN
      v_accion  := 'MODIFICA';
      v_detalle := 'Cliente ' || NEW.id_cliente;
      IF coalesce(OLD.limite_credito, -1) <> coalesce(NEW.limite_credito, -1) THEN
        v_detalle := v_detalle || ' limite_credito ' || OLD.limite_credito || ' -> ' || NEW.limite_credito;
      END IF;
      IF coalesce(OLD.categoria, '#') <> coalesce(NEW.categoria, '#') THEN
        v_detalle := v_detalle || ' categoria ' || OLD.categoria || ' -> ' || NEW.categoria;
      END IF;
      IF OLD.estado <> NEW.estado THEN
        v_detalle := v_detalle || ' estado ' || OLD.estado || ' -> ' || NEW.estado;
      END IF;
    WHEN TG_OP = 'DELETE' THEN
      v_accion  := 'BAJA';
      v_detalle := 'Cliente eliminado ' || OLD.id_cliente || ' ' || OLD.numero_documento;
  END CASE;

  seguridad.prc_registrar_auditoria('CLIENTES', v_accion, v_detalle);
IF TG_OP = 'DELETE' THEN
	RETURN OLD;
ELSE
	RETURN NEW;
END IF;

END
$BODY$
 LANGUAGE 'plpgsql';

CREATE TRIGGER ventas.trg_clientes_aud
	AFTER INSERT OR UPDATE OR DELETE ON ventas.clientes FOR EACH ROW
	EXECUTE PROCEDURE trigger_fct_ventas.trg_clientes_aud();
