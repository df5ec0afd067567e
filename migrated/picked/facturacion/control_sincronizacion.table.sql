CREATE TABLE facturacion.control_sincronizacion (
	id_factura bigint NOT NULL,
	fecha_sincronizacion timestamp,
	estado varchar(10) DEFAULT 'PENDIENTE',
	asiento_erp bigint,
	mensaje varchar(1000)
) ;
ALTER TABLE facturacion.control_sincronizacion ADD PRIMARY KEY (id_factura);
