CREATE INDEX ix_mov_producto_fecha ON inventario.movimientos_stock (id_producto, fecha_movimiento);
