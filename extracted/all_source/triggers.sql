TRIGGER trg_productos_precio_hist
  AFTER UPDATE OF precio_venta ON productos
  FOR EACH ROW
  WHEN (NEW.precio_venta <> OLD.precio_venta)
BEGIN
  INSERT INTO hist_precios (id_producto, fecha_cambio, precio_anterior, precio_nuevo, variacion_pct, usuario)
  VALUES (:NEW.id_producto, SYSDATE, :OLD.precio_venta, :NEW.precio_venta,
          CASE WHEN :OLD.precio_venta > 0
               THEN ROUND((:NEW.precio_venta - :OLD.precio_venta) / :OLD.precio_venta * 100, 2)
          END,
          NVL(:NEW.usuario_modificacion, USER));
END;
/
TRIGGER trg_facturas_estado
BEFORE UPDATE OF estado ON facturas
REFERENCING OLD AS o NEW AS n
FOR EACH ROW
DECLARE
  v_permitido BOOLEAN;
BEGIN
  IF :o.estado = :n.estado THEN
    RETURN;
  END IF;

  -- Máquina de estados de la factura electrónica
  v_permitido := CASE :n.estado
                   WHEN 'ENVIADA'    THEN :o.estado IN ('EMITIDA', 'ENVIADA')
                   WHEN 'AUTORIZADA' THEN :o.estado IN ('EMITIDA', 'ENVIADA')
                   WHEN 'RECHAZADA'  THEN :o.estado IN ('EMITIDA', 'ENVIADA')
                   WHEN 'EMITIDA'    THEN :o.estado = 'RECHAZADA'      -- reproceso tras corregir
                   WHEN 'PAGADA'     THEN :o.estado = 'AUTORIZADA'
                   WHEN 'ANULADA'    THEN :o.estado IN ('EMITIDA', 'RECHAZADA', 'AUTORIZADA')
                   ELSE FALSE
                 END;

  IF NOT v_permitido THEN
    RAISE_APPLICATION_ERROR(-20330, 'Factura ' || :o.numero_factura || ': no se permite pasar de ' || :o.estado || ' a ' || :n.estado);
  END IF;

  IF :n.estado = 'PAGADA' AND NVL(:n.saldo, 0) > 0 THEN
    RAISE_APPLICATION_ERROR(-20331, 'La factura ' || :o.numero_factura || ' aún tiene saldo ' || :n.saldo);
  END IF;

  IF :n.estado = 'ANULADA' THEN
    -- devuelve el cupo al cliente
    UPDATE ventas.clientes
       SET saldo_pendiente = GREATEST(NVL(saldo_pendiente, 0) - NVL(:o.saldo, 0), 0)
     WHERE id_cliente = :o.id_cliente;
    :n.saldo := 0;
  END IF;
END;
/
TRIGGER trg_usuarios_biu
BEFORE INSERT OR UPDATE ON usuarios
FOR EACH ROW
BEGIN
  :NEW.login := UPPER(TRIM(:NEW.login));
  :NEW.email := LOWER(TRIM(:NEW.email));

  IF :NEW.email IS NOT NULL AND fn_validar_email(:NEW.email) = 'N' THEN
    RAISE_APPLICATION_ERROR(-20910, 'Correo inválido para el usuario ' || :NEW.login);
  END IF;

  IF INSERTING THEN
    :NEW.fecha_creacion    := SYSDATE;
    :NEW.intentos_fallidos := 0;
    IF :NEW.hash_clave IS NULL THEN
      RAISE_APPLICATION_ERROR(-20911, 'El usuario debe crearse con clave (use PKG_CRIPTO.fn_hash_clave)');
    END IF;
  END IF;
END;
/
TRIGGER trg_campanias_biu
  BEFORE INSERT OR UPDATE ON campanias_descuento
  FOR EACH ROW
BEGIN
  :NEW.codigo_campania := UPPER(TRIM(:NEW.codigo_campania));
  :NEW.fecha_inicio    := TRUNC(:NEW.fecha_inicio);
  :NEW.fecha_fin       := TRUNC(:NEW.fecha_fin);
  IF :NEW.porcentaje > 25 AND :NEW.categoria_cliente IS NULL THEN
    RAISE_APPLICATION_ERROR(-20150, 'Campañas generales no pueden superar el 25% de descuento');
  END IF;
END;
/
