--------------------------------------------------------
--  DDL for Trigger TRG_PEDIDO_LINEAS_CMP
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TRIGGER "VENTAS"."TRG_PEDIDO_LINEAS_CMP" 
FOR INSERT OR UPDATE OR DELETE ON ventas.pedido_lineas
COMPOUND TRIGGER

  -- Evita ORA-04091 (tabla mutante): se acumulan los pedidos afectados
  -- por fila y se recalculan los totales una sola vez al final de la sentencia.
  TYPE t_pedidos IS TABLE OF BOOLEAN INDEX BY PLS_INTEGER;
  g_pedidos t_pedidos;

  BEFORE STATEMENT IS
  BEGIN
    g_pedidos.DELETE;
  END BEFORE STATEMENT;

  BEFORE EACH ROW IS
  BEGIN
    IF INSERTING OR UPDATING THEN
      IF :NEW.precio_unitario < 0 THEN
        RAISE_APPLICATION_ERROR(-20140, 'Precio unitario negativo en la línea ' || :NEW.nro_linea);
      END IF;
      :NEW.subtotal_linea := ROUND(:NEW.cantidad * :NEW.precio_unitario * (1 - NVL(:NEW.porcentaje_descuento, 0) / 100), 2);
    END IF;
  END BEFORE EACH ROW;

  AFTER EACH ROW IS
  BEGIN
    IF DELETING THEN
      g_pedidos(:OLD.id_pedido) := TRUE;
    ELSE
      g_pedidos(:NEW.id_pedido) := TRUE;
    END IF;
  END AFTER EACH ROW;

  AFTER STATEMENT IS
    v_id PLS_INTEGER;
  BEGIN
    v_id := g_pedidos.FIRST;
    WHILE v_id IS NOT NULL LOOP
      pkg_pedidos.recalcular_totales(v_id);
      v_id := g_pedidos.NEXT(v_id);
    END LOOP;
    g_pedidos.DELETE;
  END AFTER STATEMENT;

END trg_pedido_lineas_cmp;
/
ALTER TRIGGER "VENTAS"."TRG_PEDIDO_LINEAS_CMP" ENABLE;
