DROP TRIGGER IF EXISTS ventas.trg_v_clientes_activos_io ON ventas.v_clientes_activos CASCADE;
CREATE OR REPLACE FUNCTION trigger_fct_ventas.trg_v_clientes_activos_io() RETURNS trigger AS $BODY$
BEGIN
  BEGIN
  -- La vista se publica a la aplicación de call center: solo permite
  -- actualizar datos de contacto o dar de alta con datos mínimos.
  IF TG_OP = 'INSERT' THEN
    pkg_clientes.crear_cliente(
      p_tipo_documento   => SUBSTR(NEW.documento, 1, 3),
      p_numero_documento => SUBSTR(NEW.documento, 5),
      p_razon_social     => NEW.nombre,
      p_email            => NEW.email,
      p_telefono         => NEW.telefono);
  ELSE
    IF NEW.categoria <> OLD.categoria OR NEW.cupo_disponible <> OLD.cupo_disponible THEN
      RAISE EXCEPTION '%', 'Categoría y cupo solo se modifican desde el módulo de crédito' USING ERRCODE = '45130';
    END IF;
    pkg_clientes.actualizar_contacto(OLD.id_cliente, NEW.email, NEW.telefono);
  END IF;
  END;
RETURN NEW;
END
$BODY$
 LANGUAGE 'plpgsql';

CREATE TRIGGER ventas.trg_v_clientes_activos_io
	INSTEAD OF INSERT OR UPDATE ON ventas.v_clientes_activos FOR EACH ROW
	EXECUTE PROCEDURE trigger_fct_ventas.trg_v_clientes_activos_io();
