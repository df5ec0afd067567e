CREATE TABLE ventas.clientes (
	id_cliente bigint NOT NULL,
	tipo_documento varchar(3) NOT NULL,
	numero_documento varchar(20) NOT NULL,
	razon_social varchar(200) NOT NULL,
	nombre_comercial varchar(200),
	email varchar(150),
	telefono varchar(20),
	categoria varchar(10) DEFAULT 'REGULAR',
	limite_credito decimal(12,2) DEFAULT 0,
	saldo_pendiente decimal(12,2) DEFAULT 0,
	es_convenio char(1) DEFAULT 'N',
	porcentaje_convenio decimal(5,2),
	estado varchar(10) NOT NULL DEFAULT 'ACTIVO',
	fecha_alta timestamp DEFAULT statement_timestamp(),
	fecha_modificacion timestamp,
	usuario_modificacion varchar(30)
) ;
ALTER TABLE ventas.clientes ADD CONSTRAINT ck_clientes_categoria_categoria CHECK (categoria IN ('REGULAR','PLATA','ORO','VIP'));
ALTER TABLE ventas.clientes ADD CONSTRAINT ck_clientes_convenio_es_convenio CHECK (es_convenio IN ('S','N'));
ALTER TABLE ventas.clientes ADD CONSTRAINT ck_clientes_estado_estado CHECK (estado IN ('ACTIVO','SUSPENDIDO','INACTIVO'));
ALTER TABLE ventas.clientes ADD CONSTRAINT ck_clientes_tipo_doc_tipo_documento CHECK (tipo_documento IN ('CED','RUC','PAS'));
ALTER TABLE ventas.clientes ADD PRIMARY KEY (id_cliente);
ALTER TABLE ventas.clientes ADD UNIQUE (tipo_documento,numero_documento);
