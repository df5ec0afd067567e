CREATE TABLE facturacion.envios_sri (
	id_envio bigint NOT NULL,
	id_factura bigint NOT NULL,
	fecha_envio timestamp DEFAULT CURRENT_TIMESTAMP,
	url varchar(400),
	request_body text,
	response_body text,
	http_status smallint,
	estado_respuesta varchar(20),
	mensaje varchar(4000)
) ;
ALTER TABLE facturacion.envios_sri ADD PRIMARY KEY (id_envio);
ALTER TABLE facturacion.envios_sri ADD CONSTRAINT fk_envios_factura FOREIGN KEY (id_factura) REFERENCES facturas(id_factura) ON DELETE NO ACTION INITIALLY IMMEDIATE;
