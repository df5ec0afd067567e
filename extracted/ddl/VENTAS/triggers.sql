--------------------------------------------------------
--  DDL for Trigger TRG_PEDIDOS_BIU
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TRIGGER "VENTAS"."TRG_PEDIDOS_BIU" 
BEFORE INSERT OR UPDATE OF estado, total ON ventas.pedidos
REFERENCING NEW AS nuevo OLD AS anterior
FOR EACH ROW
WHEN (nuevo.estado <> 'BORRADOR' OR anterior.estado IS NULL)
DECLARE
  v_cambio_estado BOOLEAN := FALSE;
BEGIN
  IF INSERTING THEN
    :nuevo.fecha_pedido     := NVL(:nuevo.fecha_pedido, SYSDATE);
    :nuevo.usuario_creacion := NVL(:nuevo.usuario_creacion, USER);
    :nuevo.estado           := NVL(:nuevo.estado, 'BORRADOR');
  ELSIF UPDATING('ESTADO') THEN
    v_cambio_estado := NVL(:anterior.estado, '#') <> NVL(:nuevo.estado, '#');
    -- un pedido facturado o anulado es inmutable
    IF v_cambio_estado AND :anterior.estado IN ('FACTURADO', 'ANULADO') THEN
      RAISE_APPLICATION_ERROR(-20120, 'El pedido ' || :anterior.id_pedido || ' está ' || :anterior.estado || ' y no puede cambiar de estado');
    END IF;
    IF :nuevo.estado = 'APROBADO' THEN
      :nuevo.fecha_aprobacion := SYSDATE;
    END IF;
  ELSIF UPDATING('TOTAL') THEN
    IF :nuevo.total < 0 THEN
      RAISE_APPLICATION_ERROR(-20121, 'El total del pedido no puede ser negativo');
    END IF;
  END IF;
END;
/
ALTER TRIGGER "VENTAS"."TRG_PEDIDOS_BIU" ENABLE;
--------------------------------------------------------
--  DDL for Trigger TRG_CLIENTES_AUD
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TRIGGER "VENTAS"."TRG_CLIENTES_AUD" 
  AFTER INSERT OR UPDATE OR DELETE ON ventas.clientes
  FOR EACH ROW
DECLARE
  v_accion  VARCHAR2(10);
  v_detalle VARCHAR2(4000);
BEGIN
  CASE
    WHEN INSERTING THEN
      v_accion  := 'ALTA';
      v_detalle := 'Cliente ' || :NEW.id_cliente || ' ' || :NEW.razon_social;
    WHEN UPDATING THEN
      v_accion  := 'MODIFICA';
      v_detalle := 'Cliente ' || :NEW.id_cliente;
      IF NVL(:OLD.limite_credito, -1) <> NVL(:NEW.limite_credito, -1) THEN
        v_detalle := v_detalle || ' limite_credito ' || :OLD.limite_credito || ' -> ' || :NEW.limite_credito;
      END IF;
      IF NVL(:OLD.categoria, '#') <> NVL(:NEW.categoria, '#') THEN
        v_detalle := v_detalle || ' categoria ' || :OLD.categoria || ' -> ' || :NEW.categoria;
      END IF;
      IF :OLD.estado <> :NEW.estado THEN
        v_detalle := v_detalle || ' estado ' || :OLD.estado || ' -> ' || :NEW.estado;
      END IF;
    WHEN DELETING THEN
      v_accion  := 'BAJA';
      v_detalle := 'Cliente eliminado ' || :OLD.id_cliente || ' ' || :OLD.numero_documento;
  END CASE;

  seguridad.prc_registrar_auditoria('CLIENTES', v_accion, v_detalle);
END trg_clientes_aud;
/
ALTER TRIGGER "VENTAS"."TRG_CLIENTES_AUD" ENABLE;
--------------------------------------------------------
--  DDL for Trigger TRG_V_CLIENTES_ACTIVOS_IO
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TRIGGER "VENTAS"."TRG_V_CLIENTES_ACTIVOS_IO" 
INSTEAD OF INSERT OR UPDATE ON ventas.v_clientes_activos
FOR EACH ROW
BEGIN
  -- La vista se publica a la aplicación de call center: solo permite
  -- actualizar datos de contacto o dar de alta con datos mínimos.
  IF INSERTING THEN
    pkg_clientes.crear_cliente(
      p_tipo_documento   => SUBSTR(:NEW.documento, 1, 3),
      p_numero_documento => SUBSTR(:NEW.documento, 5),
      p_razon_social     => :NEW.nombre,
      p_email            => :NEW.email,
      p_telefono         => :NEW.telefono);
  ELSE
    IF :NEW.categoria <> :OLD.categoria OR :NEW.cupo_disponible <> :OLD.cupo_disponible THEN
      RAISE_APPLICATION_ERROR(-20130, 'Categoría y cupo solo se modifican desde el módulo de crédito');
    END IF;
    pkg_clientes.actualizar_contacto(:OLD.id_cliente, :NEW.email, :NEW.telefono);
  END IF;
END;
/
ALTER TRIGGER "VENTAS"."TRG_V_CLIENTES_ACTIVOS_IO" ENABLE;
