CREATE TABLE inventario.movimientos_stock (
	id_movimiento bigint NOT NULL,
	id_producto bigint NOT NULL,
	id_bodega integer NOT NULL,
	tipo_movimiento varchar(3) NOT NULL,
	cantidad decimal(12,2) NOT NULL,
	costo_unitario decimal(12,4),
	referencia varchar(40),
	fecha_movimiento timestamp NOT NULL DEFAULT statement_timestamp(),
	usuario varchar(30) DEFAULT 'USER'
) ;
