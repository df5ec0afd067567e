CREATE TABLE ventas.pedidos (
	id_pedido bigint NOT NULL,
	id_cliente bigint NOT NULL,
	fecha_pedido timestamp NOT NULL DEFAULT statement_timestamp(),
	estado varchar(12) NOT NULL DEFAULT 'BORRADOR',
	id_bodega integer NOT NULL,
	codigo_campania varchar(20),
	subtotal decimal(14,2) DEFAULT 0,
	porcentaje_descuento decimal(5,2) DEFAULT 0,
	monto_descuento decimal(14,2) DEFAULT 0,
	base_iva decimal(14,2) DEFAULT 0,
	monto_iva decimal(14,2) DEFAULT 0,
	total decimal(14,2) DEFAULT 0,
	observaciones varchar(1000),
	usuario_creacion varchar(30),
	fecha_aprobacion timestamp,
	usuario_aprobacion varchar(30),
	motivo_anulacion varchar(400)
) ;
ALTER TABLE ventas.pedidos ADD CONSTRAINT ck_pedidos_estado_estado CHECK (estado IN ('BORRADOR','PENDIENTE','APROBADO','RECHAZADO','FACTURADO','ANULADO'));
ALTER TABLE ventas.pedidos ADD PRIMARY KEY (id_pedido);
ALTER TABLE ventas.pedidos ADD CONSTRAINT fk_pedidos_cliente FOREIGN KEY (id_cliente) REFERENCES clientes(id_cliente) ON DELETE NO ACTION INITIALLY IMMEDIATE;
