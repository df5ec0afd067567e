CREATE TABLE ventas.pedido_lineas (
	id_pedido bigint NOT NULL,
	nro_linea smallint NOT NULL,
	id_producto bigint NOT NULL,
	cantidad decimal(10,2) NOT NULL,
	precio_unitario decimal(12,4) NOT NULL,
	porcentaje_descuento decimal(5,2) DEFAULT 0,
	subtotal_linea decimal(14,2),
	grava_iva char(1) DEFAULT 'S'
) ;
ALTER TABLE ventas.pedido_lineas ADD CONSTRAINT ck_lineas_cantidad_cantidad CHECK (cantidad > 0);
ALTER TABLE ventas.pedido_lineas ADD PRIMARY KEY (id_pedido,nro_linea);
ALTER TABLE ventas.pedido_lineas ADD CONSTRAINT fk_lineas_pedido FOREIGN KEY (id_pedido) REFERENCES pedidos(id_pedido) ON DELETE NO ACTION INITIALLY IMMEDIATE;
