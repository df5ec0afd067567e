CREATE TABLE facturacion.factura_lineas (
	id_factura bigint NOT NULL,
	nro_linea smallint NOT NULL,
	id_producto bigint NOT NULL,
	descripcion varchar(200),
	cantidad decimal(10,2) NOT NULL,
	precio_unitario decimal(12,4) NOT NULL,
	porcentaje_descuento decimal(5,2) DEFAULT 0,
	porcentaje_iva decimal(5,2) DEFAULT 0,
	subtotal decimal(14,2)
) ;
ALTER TABLE facturacion.factura_lineas ADD PRIMARY KEY (id_factura,nro_linea);
ALTER TABLE facturacion.factura_lineas ADD CONSTRAINT fk_flineas_factura FOREIGN KEY (id_factura) REFERENCES facturas(id_factura) ON DELETE NO ACTION INITIALLY IMMEDIATE;
