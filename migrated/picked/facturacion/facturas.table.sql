CREATE TABLE facturacion.facturas (
	id_factura bigint NOT NULL,
	numero_factura varchar(17) NOT NULL,
	id_pedido bigint,
	id_cliente bigint NOT NULL,
	fecha_emision timestamp NOT NULL DEFAULT statement_timestamp(),
	fecha_vencimiento timestamp,
	subtotal_0 decimal(14,2) DEFAULT 0,
	subtotal_iva decimal(14,2) DEFAULT 0,
	descuento decimal(14,2) DEFAULT 0,
	monto_iva decimal(14,2) DEFAULT 0,
	total decimal(14,2) DEFAULT 0,
	saldo decimal(14,2) DEFAULT 0,
	estado varchar(12) NOT NULL DEFAULT 'EMITIDA',
	clave_acceso varchar(49),
	numero_autorizacion varchar(49),
	fecha_autorizacion timestamp,
	intentos_envio smallint DEFAULT 0,
	xml_comprobante "SYS"."XMLTYPE"
) ;
ALTER TABLE facturacion.facturas ADD CONSTRAINT ck_facturas_estado_estado CHECK (estado IN ('EMITIDA','ENVIADA','AUTORIZADA','RECHAZADA','ANULADA','PAGADA'));
ALTER TABLE facturacion.facturas ADD PRIMARY KEY (id_factura);
ALTER TABLE facturacion.facturas ADD UNIQUE (numero_factura);
