CREATE TABLE inventario.stock_bodega (
	id_producto bigint NOT NULL,
	id_bodega integer NOT NULL,
	cantidad_disponible decimal(12,2) NOT NULL DEFAULT 0,
	cantidad_reservada decimal(12,2) NOT NULL DEFAULT 0,
	fecha_ultimo_movimiento timestamp
) ;
